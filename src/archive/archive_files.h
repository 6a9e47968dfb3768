#pragma once

// Reading the archive's own Markdown: shared by the state, the catalogue
// and the article files (src/archive only).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace feedmark {

/// The whole file, or nothing if it cannot be read.
std::optional<std::string> read_whole_file(const std::filesystem::path& path);

/// The text of a line's leading Markdown link: "[a \] b](x)" -> "a \] b".
std::optional<std::string> link_text_of(std::string_view line);

/// Line `index` (from 0) of `text`, without its newline; "" past the end.
std::string_view line_at(std::string_view text, int index);

}  // namespace feedmark
