#include "store/index_style.h"

#include "feedmark/write/front_matter.h"
#include "feedmark/write/hugo.h"

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

std::string IndexStyle::finished(std::string text) const {
  if (!hugo || text.find("{{") == std::string::npos) {
    return text;
  }
  const std::size_t body = text.size() - without_front_matter(text).size();
  return text.substr(0, body) +
         hugo::escape_shortcodes(std::string_view(text).substr(body));
}

std::string IndexStyle::read_back(std::string_view line) const {
  return hugo ? hugo::unescape_shortcodes(line) : std::string(line);
}

std::string_view without_front_matter(std::string_view text) {
  const std::optional<FrontMatterFields> fields = read_front_matter(text);
  return fields ? text.substr(fields->end) : text;
}

}  // namespace feedmark
