#pragma once

// HTML to CommonMark, for `--format obsidian` and templates' body_markdown
// (SPEC "Formats"): written over gumbo's tree of the sanitized body.
// Headings, paragraphs, emphasis, links, images, lists, block quotes, code
// and simple tables become Markdown (GFM tables); what Markdown cannot say
// (a table with merged cells, <sup>, <video>) stays HTML; text is escaped
// so that it never turns into markup.

#include <string>
#include <string_view>

namespace feedmark {

/// The CommonMark of a sanitized HTML body, blocks separated by blank
/// lines, ending in a newline ("" for an empty body).
std::string html_to_markdown(std::string_view html);

/// The same, always through gumbo's parser: html_to_markdown reads the
/// sanitizer's own output without it, and must give what this gives (the
/// tests and the fuzzer check it).
std::string html_to_markdown_through_gumbo(std::string_view html);

/// cmark-gfm's HTML of `markdown`, with GFM tables and strikethrough and
/// raw HTML kept (as Obsidian and GitHub read it).
std::string gfm_to_html(const std::string& markdown);

/// `text` escaped to stand as itself inside a paragraph: `\ * _ [ ] < >
/// ` ~` always, `&` where it would start an entity reference.
void append_markdown_escaped(std::string& out, std::string_view text);

}  // namespace feedmark
