#pragma once

#include <string>
#include <string_view>

namespace feedmark {

/// The declarations of a style attribute that feedparser's CSS allowlist
/// keeps: an allowlisted property whose value is made of harmless tokens
/// (words, sizes, colours, quoted font names, rgb()); background, border,
/// margin and padding only with known keywords, sizes and colours. `svg`
/// adds SVG's fill and stroke properties. Written "name: value;" joined by
/// spaces; "" when nothing is left, or when the text holds a CSS escape, a
/// comment, a brace, an at-rule or markup.
std::string sanitize_style(std::string_view css, bool svg = false);

}  // namespace feedmark
