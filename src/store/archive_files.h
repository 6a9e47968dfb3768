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

// link_text_of and line_at: feedmark/write/write.h.

}  // namespace feedmark
