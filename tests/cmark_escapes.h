#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "feedmark/html/text.h"

namespace feedmark::test {

/// `s` with the escapes cmark writes in HTML (&amp; &lt; &gt; &quot; &#39;
/// &#x27;) decoded; shared by the tests and the fuzz target.
inline std::string unescape_cmark_html(std::string_view s) {
  return unescape_basic_html(s);
}

}  // namespace feedmark::test
