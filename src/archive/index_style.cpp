#include "archive/index_style.h"

#include "feedmark/write/front_matter.h"

namespace feedmark {

IndexStyle IndexStyle::of_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  return {std::filesystem::exists(dir / "_index.md", ec)};
}

std::string IndexStyle::front_matter(std::string_view title) const {
  return hugo ? FrontMatter().text("title", title).str() : std::string();
}

std::string IndexStyle::month_front_matter(std::string_view title) const {
  return hugo ? FrontMatter()
                    .text("title", title)
                    .verbatim("_build:\n  list: never\n")
                    .str()
              : std::string();
}

std::string_view without_front_matter(std::string_view text) {
  const std::optional<FrontMatterFields> fields = read_front_matter(text);
  return fields ? text.substr(fields->end) : text;
}

}  // namespace feedmark
