#pragma once

// The round trip that checks html_to_markdown: a body's Markdown, rendered
// back by cmark-gfm (tables and strikethrough on, raw HTML kept), must keep
// the body's text (the same characters in the same order, whitespace
// aside), its links and its images.

#include <string>
#include <string_view>
#include <vector>

namespace feedmark::test {

struct RoundTrip {
  bool text_kept = false;
  bool links_kept = false;
  bool images_kept = false;
  std::string markdown;
  std::string rendered;  ///< cmark-gfm's HTML
  bool ok() const { return text_kept && links_kept && images_kept; }
};

RoundTrip markdown_round_trip(std::string_view body_html);

/// cmark-gfm's HTML of `markdown`, with the table and strikethrough
/// extensions (as Obsidian and GitHub read it).
std::string render_gfm(const std::string& markdown);

/// The hrefs of links and the srcs of images of an HTML fragment, in order.
std::vector<std::string> urls_of(std::string_view html, bool images);

/// The fragment's text with every whitespace character removed.
std::string text_without_spaces(std::string_view html);

}  // namespace feedmark::test
