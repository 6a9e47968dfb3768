#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "feedmark/extract.h"

namespace feedmark {

/// The five-line article file (SPEC "The article file").
std::string render_article(const Article& article, std::int64_t captured_ms);

/// The part of a rendered article after its first (capture time) line: what
/// decides whether an article changed.
std::string_view article_content(std::string_view rendered);

/// A title as Markdown link text: \ [ ] * _ ` < ~ escaped, & only where it
/// would start an entity reference.
std::string escape_markdown_text(std::string_view text);

/// Writes `content` to `path` through a temporary file in the same folder
/// and rename(2): the file is either complete or untouched.
Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::string_view content);

}  // namespace feedmark
