#pragma once

// What the tests that build sites and load them in a browser share
// (tests/cli/hugo_site_test.cpp, tests/cli/xss_formats_test.cpp): feed
// text, real PNGs, the real `hugo`, walks over gumbo's tree, a server for a
// built site that puts a script first in every page, and headless Chromium.

#include <gumbo.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http_server.h"

namespace feedmark::test {

/// `text` escaped for XML text or a quoted attribute value.
std::string xml_escaped(const std::string& text);

/// A valid PNG a browser decodes: `width` × `height` pixels of one colour.
std::string real_png(std::uint32_t width, std::uint32_t height,
                     std::uint32_t rgb);

/// Whether `program` is on the PATH.
bool installed(const std::string& program);

/// Runs a shell command with its output in `log`; its exit status.
int run_logged(const std::string& command, const std::filesystem::path& log);

/// Builds `site` with the real hugo into `site/<out>`; `extra` is more
/// flags. Fails on a non-zero exit or any line naming an ERROR.
void build_with_hugo(const std::filesystem::path& site, const std::string& out,
                     const std::string& extra = {});

/// Walks every element under `node` (a <template>'s content included).
void for_each_element(const GumboNode* node,
                      const std::function<void(const GumboNode*)>& visit);

/// The text of `node` (no policy: <title> too), without spaces at its ends.
std::string text_of(const GumboNode* node);

/// The file a site path names in `public_dir`; a folder's is its index.html.
std::filesystem::path file_of(const std::filesystem::path& public_dir,
                              const std::string& site_path);

/// Serves `public_dir` as a web server would, `first_script` first in every
/// HTML page (after its doctype), and `harness_page` at /harness.html.
void serve_site(TestServer& server, const std::filesystem::path& public_dir,
                const std::string& harness_page,
                const std::string& first_script);

/// What in `page` (a whole HTML page) could run script or load another
/// document, read from gumbo's tree of it: <script>, frames, <object>,
/// <embed>, <base>, <style>, <meta http-equiv>, event handlers, srcdoc,
/// formaction, javascript:, vbscript: or data: URLs, scripted CSS. Empty
/// if nothing.
std::vector<std::string> active_content(const std::string& page);

/// "chromium" or "chromium-browser", whichever is installed; "" if none.
std::string chromium_program();

/// Loads `url` in headless Chromium (a fresh profile under `work`) for
/// `virtual_ms` of virtual time, at most `timeout_s` seconds, and returns
/// the JSON its page wrote into <pre id="r">. `extra_flags` are more
/// Chromium flags. Fails the test if Chromium fails or wrote no result.
nlohmann::json chromium_result(const std::string& url,
                               const std::filesystem::path& work,
                               int virtual_ms, int timeout_s,
                               const std::string& extra_flags = {});

}  // namespace feedmark::test
