// When an item's article is worth its page (SPEC "Full text", auto).

#include "feedmark/extract/extract.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark {
namespace {

constexpr std::size_t kShortBody = 500;

// A teaser says so at its end: "…", "[...]", "Read more »", "Continue
// reading →", "阅读全文", "(continued)".
bool looks_cut(std::string_view text) {
  std::string end =
      ascii_lowercase(text.substr(text.size() > 80 ? text.size() - 80 : 0));
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (std::string_view mark :
         {" ", "\t", "\n", ")", "]", ">", "\u00bb", "\u2192", "\u203a"}) {
      if (end.ends_with(mark)) {
        end.resize(end.size() - mark.size());
        stripped = true;
      }
    }
  }
  for (std::string_view cut :
       {"\u2026", "...", "read more", "continue reading", "continued",
        "\u9605\u8bfb\u5168\u6587", "\u67e5\u770b\u5168\u6587",
        "\u95b1\u8b80\u5168\u6587", "\u5168\u6587"}) {
    if (end.ends_with(cut)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool wants_full_text(const Item& item, FullText mode) {
  if (mode == FullText::kNever || !is_http_url(item.link)) {
    return false;
  }
  if (mode == FullText::kAlways) {
    return true;
  }
  const std::string text = html_to_text(
      item.content_html.empty() ? item.summary_html : item.content_html);
  return utf8_character_count(text) < kShortBody || looks_cut(text);
}

}  // namespace feedmark
