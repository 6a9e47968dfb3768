#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/util/error.h"

namespace feedmark {

/// Per-feed settings of a plain-text feed list line; each overrides its flag.
struct FeedSettings {
  std::optional<std::string>
      encoding;                     ///< encoding=gbk (a known charset label)
  std::optional<std::string> zone;  ///< tz=Asia/Shanghai (a known zone)
  std::optional<std::string> user_agent;   ///< user-agent=... (may hold spaces)
  std::optional<std::string> image_proxy;  ///< image-proxy=...
  std::optional<std::string> save_images;  ///< save-images=yes|no
  std::optional<std::string> full_text;    ///< full-text=never|auto|always
  /// full-text-selector=CSS (may hold spaces: "div.story > p")
  std::optional<std::string> full_text_selector;
  std::optional<std::string> include;  ///< include=REGEX (may hold spaces)
  std::optional<std::string> exclude;  ///< exclude=REGEX (may hold spaces)
  std::optional<std::string> id;       ///< id=guid|link|title
  /// cacert=FILE, cookies=FILE: readable files, resolved against the
  /// list's folder.
  std::optional<std::string> cacert;
  std::optional<std::string> cookies;
};

/// One source of a feed list and its settings.
struct FeedEntry {
  std::string source;  ///< an http(s) URL as written, or a file path
                       ///< (relative ones resolved against the list's folder)
  FeedSettings settings;
};

/// Reads a feed list: OPML (root element <opml>: every outline with an
/// xmlUrl, nested folders included, in document order) or plain text (one
/// source a line, optionally followed by key=value settings; blank lines and
/// # comments ignored). A feed list never runs commands. Errors have stage
/// "config" and name "file:line", or the file alone when it cannot be read.
Result<std::vector<FeedEntry>> read_feed_list(
    const std::filesystem::path& file);

/// The same, from text already read; `origin` names the list in errors and
/// `base_dir` resolves relative paths.
Result<std::vector<FeedEntry>> parse_feed_list(
    std::string_view text, const std::string& origin,
    const std::filesystem::path& base_dir);

}  // namespace feedmark
