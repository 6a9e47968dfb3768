#pragma once

#include <gumbo.h>

#include <string>
#include <string_view>

namespace feedmark {

/// Plain text of an HTML fragment: tags dropped, entities decoded,
/// whitespace collapsed, trimmed.
std::string html_to_text(std::string_view html);

/// The reverse of append_html_escaped, as renderers write those escapes:
/// &amp; &lt; &gt; &quot; &#39; &#x27; decoded, anything else left as it is.
std::string unescape_basic_html(std::string_view text);

/// Escapes &, <, > (and " when `attribute`) for HTML.
void append_html_escaped(std::string& out, std::string_view text,
                         bool attribute = false);

namespace html {
/// Appends the text of `node` and what it holds, as html_to_text reads it
/// (uncollapsed).
void append_text_of(std::string& out, const GumboNode* node, int depth = 0);
}  // namespace html

}  // namespace feedmark
