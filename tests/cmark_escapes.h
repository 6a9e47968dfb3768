#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace feedmark::test {

/// `s` with the escapes cmark writes in HTML (&amp; &lt; &gt; &quot; &#39;
/// &#x27;) decoded; shared by the tests and the fuzz target.
inline std::string unescape_cmark_html(std::string_view s) {
  static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&lt;", "<"},  {"&gt;", ">"},   {"&quot;", "\""},
      {"&#39;", "'"}, {"&#x27;", "'"}, {"&amp;", "&"}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool replaced = false;
    for (const auto& [entity, text] : kEntities) {
      if (s.substr(i).starts_with(entity)) {
        out += text;
        i += entity.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out += s[i++];
    }
  }
  return out;
}

}  // namespace feedmark::test
