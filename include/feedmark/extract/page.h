#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "feedmark/extract/selector.h"
#include "feedmark/util/dates.h"

namespace feedmark {

/// The article of a web page (SPEC "Full text", `feedmark extract`).
struct PageArticle {
  std::string title;  ///< plain text; "" if unknown
  std::string byline;
  std::optional<UnixTime> published;
  std::string language;  ///< as the page declares it ("zh-CN")
  std::string image;     ///< absolute URL of its lead image, if it names one
  std::string content_html;  ///< sanitized, absolute URLs, one line
  std::string text;          ///< plain text, a blank line between blocks
};

/// Finds the article in a page (UTF-8): Readability-style scoring of its
/// blocks (text length, commas of every script, link density, class and id
/// hints), siblings merged, clutter removed, helped by JSON-LD and Open
/// Graph data; or, with `selector` (the SPEC's CSS subset), what it picks
/// (the scorer's choice when it picks nothing).
/// Nothing when the page holds no article.
std::optional<PageArticle> extract_page(std::string_view html,
                                        const std::string& base_url,
                                        const Selector* selector = nullptr);

}  // namespace feedmark
