#pragma once

// How the indexes are written for the archive's format (SPEC "Formats"):
// as `index.md`, or for Hugo as `_index.md` with `title:` front matter, so
// that each folder is a section listing its articles (a folder holding an
// `index.md` would be a leaf bundle that hides them). src/archive only.

#include <filesystem>
#include <string>
#include <string_view>

#include "feedmark/write/format.h"

namespace feedmark {

struct IndexStyle {
  bool hugo = false;

  static IndexStyle of(ArticleFormat format) {
    return {format == ArticleFormat::kHugo};
  }
  /// The style a folder is written in now: Hugo's if it holds `_index.md`.
  static IndexStyle of_folder(const std::filesystem::path& dir);

  /// "index.md", or "_index.md"
  const char* file() const { return hugo ? "_index.md" : "index.md"; }
  /// The other style's file, removed once this one is written.
  const char* other_file() const { return hugo ? "index.md" : "_index.md"; }

  /// Front matter for an index titled `title` (plain text): Hugo's only.
  std::string front_matter(std::string_view title) const;
  /// And for a month page, which Hugo renders but leaves out of lists.
  std::string month_front_matter(std::string_view title) const;
  /// An index as it is written: for Hugo, no "{{" of a title after the
  /// front matter may start a shortcode (write/hugo.h).
  std::string finished(std::string text) const;
  /// A line of an index as written, read back as the feed gave it.
  std::string read_back(std::string_view line) const;
};

/// An index's text after its front matter, if it has one.
std::string_view without_front_matter(std::string_view text);

}  // namespace feedmark
