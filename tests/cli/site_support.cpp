#include "site_support.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <zlib.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>

#include "feedmark/html/fragment.h"
#include "feedmark/html/page.h"
#include "feedmark/html/text.h"  // append_html_escaped
#include "test_support.h"

namespace feedmark::test {

namespace fs = std::filesystem;

std::string xml_escaped(const std::string& text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

namespace {

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

void put_chunk(std::string& png, const std::string& type,
               const std::string& data) {
  put_u32(png, static_cast<std::uint32_t>(data.size()));
  const std::string typed = type + data;
  png += typed;
  put_u32(png, static_cast<std::uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                         static_cast<uInt>(typed.size()))));
}

/// Every text node under `node`, as gumbo decoded it.
void append_all_text(std::string& out, const GumboNode* node) {
  if (html::is_text(node)) {
    out += node->v.text.text;
  } else if (html::is_element(node)) {
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      append_all_text(out, html::child(children, i));
    }
  }
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return out;
}

/// A URL as a browser reads its scheme: C0 controls and spaces at its ends
/// and tabs and line breaks anywhere removed, lower-cased.
std::string url_as_read(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
  const auto outside = [](unsigned char c) { return c <= 0x20; };
  while (!out.empty() && outside(out.back())) {
    out.pop_back();
  }
  const auto start = std::find_if_not(out.begin(), out.end(), outside);
  return lowered(std::string(start, out.end()));
}

bool runs_or_loads_a_document(std::string_view url) {
  return url.starts_with("javascript:") || url.starts_with("vbscript:") ||
         url.starts_with("livescript:") || url.starts_with("data:");
}

const std::set<std::string> kUrlAttributes = {
    "href",       "src",     "action",   "formaction", "data",   "poster",
    "background", "cite",    "longdesc", "lowsrc",     "dynsrc", "ping",
    "codebase",   "archive", "manifest", "icon",       "usemap", "srcset",
    "values",     "to",      "from",     "by"};

const std::set<std::string> kNeverElements = {
    "script", "iframe", "frame",  "frameset", "object",  "embed",
    "applet", "base",   "portal", "style",    "noembed", "noframes"};

}  // namespace

std::string real_png(std::uint32_t width, std::uint32_t height,
                     std::uint32_t rgb) {
  std::string raw;
  for (std::uint32_t y = 0; y < height; ++y) {
    raw += '\0';  // filter: none
    for (std::uint32_t x = 0; x < width; ++x) {
      raw += static_cast<char>(rgb >> 16);
      raw += static_cast<char>((rgb >> 8) & 0xff);
      raw += static_cast<char>(rgb & 0xff);
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string deflated(size, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(deflated.data()), &size,
                    reinterpret_cast<const Bytef*>(raw.data()),
                    static_cast<uLong>(raw.size()), 9) == Z_OK);
  deflated.resize(size);
  std::string header;
  put_u32(header, width);
  put_u32(header, height);
  header += std::string("\x08\x02\0\0\0", 5);  // 8-bit RGB
  std::string png("\x89PNG\r\n\x1A\n", 8);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", deflated);
  put_chunk(png, "IEND", "");
  return png;
}

bool installed(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) ==
         0;
}

int run_logged(const std::string& command, const fs::path& log) {
  const int status =
      std::system(fmt::format("{} > '{}' 2>&1", command, log.string()).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void build_with_hugo(const fs::path& site, const std::string& out,
                     const std::string& extra) {
  if (!installed("hugo")) {
    FAIL("hugo is not installed (scripts/install-deps.sh installs it)");
  }
  const fs::path log = site.parent_path() / (out + ".log");
  const int status = run_logged(
      fmt::format("hugo -s '{}' -d '{}' --cacheDir '{}' {}", site.string(),
                  (site / out).string(),
                  (site.parent_path() / "hugo-cache").string(), extra),
      log);
  const std::string output = read_text(log);
  INFO("hugo said:\n" << output);
  REQUIRE(status == 0);
  for (const std::string& line : lines_of(output)) {
    CHECK(line.find("ERROR") == std::string::npos);
  }
}

void for_each_element(const GumboNode* node,
                      const std::function<void(const GumboNode*)>& visit) {
  if (!html::is_element(node)) {
    return;
  }
  visit(node);
  const GumboVector& children = node->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    for_each_element(html::child(children, i), visit);
  }
}

std::string text_of(const GumboNode* node) {
  std::string text;
  append_all_text(text, node);
  const std::size_t start = text.find_first_not_of(" \t\n");
  return start == std::string::npos
             ? std::string()
             : text.substr(start, text.find_last_not_of(" \t\n") + 1 - start);
}

fs::path file_of(const fs::path& public_dir, const std::string& site_path) {
  fs::path file = public_dir / site_path.substr(1);
  if (site_path.ends_with('/') || fs::is_directory(file)) {
    file /= "index.html";
  }
  return file;
}

void serve_site(TestServer& server, const fs::path& public_dir,
                const std::string& harness_page,
                const std::string& first_script) {
  server.routes().Get(
      R"(/.*)", [public_dir, harness_page, first_script](
                    const httplib::Request& req, httplib::Response& res) {
        if (req.path == "/harness.html") {
          res.set_content(harness_page, "text/html; charset=utf-8");
          return;
        }
        const fs::path file = file_of(public_dir, req.path);
        if (req.path.find("..") != std::string::npos ||
            !fs::is_regular_file(file)) {
          res.status = 404;
          res.set_content("not found", "text/plain");
          return;
        }
        std::string body = read_text(file);
        const std::string ext = file.extension().string();
        if (ext == ".html") {
          const std::string doctype = "<!DOCTYPE html>";
          const std::size_t at = body.starts_with(doctype) ? doctype.size() : 0;
          body.insert(at, first_script);
          res.set_content(body, "text/html; charset=utf-8");
        } else {
          res.set_content(body, ext == ".css"   ? "text/css"
                                : ext == ".png" ? "image/png"
                                                : "application/octet-stream");
        }
      });
  server.start();
}

std::string chromium_program() {
  return installed("chromium")           ? "chromium"
         : installed("chromium-browser") ? "chromium-browser"
                                         : "";
}

nlohmann::json chromium_result(const std::string& url, const fs::path& work,
                               int virtual_ms, int timeout_s,
                               const std::string& extra_flags) {
  const std::string chromium = chromium_program();
  if (chromium.empty()) {
    FAIL("chromium is not installed (scripts/install-deps.sh installs it)");
  }
  fs::create_directories(work);
  const fs::path log = work / "chromium.log";
  const fs::path dom = work / "dom.html";
  const int status = std::system(
      fmt::format("timeout {} {} --headless=new --no-sandbox --disable-gpu "
                  "--no-first-run --no-default-browser-check "
                  "--disable-extensions --user-data-dir='{}' {} --dump-dom "
                  "--virtual-time-budget={} '{}' > '{}' 2> '{}'",
                  timeout_s, chromium, (work / "profile").string(), extra_flags,
                  virtual_ms, url, dom.string(), log.string())
          .c_str());
  INFO("chromium's stderr:\n" << read_text(log));
  REQUIRE(status == 0);

  const html::ParsedPage parsed(read_text(dom));
  const GumboNode* result = nullptr;
  for_each_element(parsed.root(), [&](const GumboNode* e) {
    if (html::attribute(e, "id") == "r") {
      result = e;
    }
  });
  INFO("dumped DOM:\n" << read_text(dom));
  REQUIRE(result != nullptr);
  return nlohmann::json::parse(text_of(result));
}

/// What in `page` could run script or load another document: elements,
/// event handlers, srcdoc and formaction, unsafe URLs, scripted CSS.
std::vector<std::string> active_content(const std::string& page) {
  std::vector<std::string> found;
  GumboOutput* out =
      gumbo_parse_with_options(&kGumboDefaultOptions, page.data(), page.size());
  for_each_element(out->root, [&](const GumboNode* e) {
    const GumboElement& el = e->v.element;
    std::string name = gumbo_normalized_tagname(el.tag);
    if (el.tag == GUMBO_TAG_UNKNOWN) {
      GumboStringPiece piece = el.original_tag;
      gumbo_tag_from_original_text(&piece);
      name = lowered(std::string_view(piece.data, piece.length));
    }
    if (kNeverElements.count(name) != 0) {
      found.push_back("<" + name + ">");
    }
    if (name == "meta" &&
        gumbo_get_attribute(&el.attributes, "http-equiv") != nullptr) {
      found.push_back("<meta http-equiv>");
    }
    if (name == "link" && lowered(html::attribute(e, "rel")) != "stylesheet") {
      found.push_back("<link rel=\"" + std::string(html::attribute(e, "rel")) +
                      "\">");
    }
    for (unsigned i = 0; i < el.attributes.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
      const std::string attr = lowered(a->name);
      const std::string what =
          "<" + name + " " + attr + "=\"" + a->value + "\">";
      if (attr.starts_with("on") || attr == "srcdoc" || attr == "formaction") {
        found.push_back(what);
      } else if (kUrlAttributes.count(attr) != 0) {
        const std::string url = url_as_read(a->value);
        bool bad = runs_or_loads_a_document(url);
        // Lists: srcset candidates, ping URLs, animation values.
        const char sep = attr == "srcset"   ? ','
                         : attr == "ping"   ? ' '
                         : attr == "values" ? ';'
                                            : '\0';
        for (std::size_t at = sep ? url.find(sep) : std::string::npos;
             at != std::string::npos; at = url.find(sep, at + 1)) {
          bad |= runs_or_loads_a_document(url_as_read(url.substr(at + 1)));
        }
        if (bad) {
          found.push_back(what);
        }
      } else if (attr == "style") {
        const std::string css = lowered(a->value);
        for (const char* word :
             {"expression", "javascript:", "vbscript:", "url(", "binding",
              "behavior", "@import", "\\"}) {
          if (css.find(word) != std::string::npos) {
            found.push_back(what);
            break;
          }
        }
      }
    }
  });
  gumbo_destroy_output(&kGumboDefaultOptions, out);
  return found;
}

}  // namespace feedmark::test
