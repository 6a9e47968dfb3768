#include "feedmark/html/text.h"

#include <array>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "feedmark/util/text.h"

namespace feedmark {
namespace html {
namespace {

void append_piece(std::string& out, const GumboStringPiece& piece) {
  out.append(piece.data, piece.length);
}

}  // namespace

// Text that merely looks like a tag stays text: a title "std::vector<bool>"
// (escaped as &lt;bool&gt; in the feed) is no element of HTML.
void append_text_of(std::string& out, const GumboNode* node, int depth) {
  if (is_text(node)) {
    for (const char* c = node->v.text.text; *c != '\0'; ++c) {
      if (is_forbidden_control(static_cast<unsigned char>(*c))) {
        out += is_ascii_space(*c) ? " " : kReplacementCharacter;
      } else {
        out += *c;
      }
    }
    return;
  }
  if (!is_element(node) || depth > kMaxDepth) {
    return;
  }
  const Treatment treatment = treatment_of(node);
  if (treatment == Treatment::kDrop) {
    return;
  }
  const bool unknown = node->v.element.tag == GUMBO_TAG_UNKNOWN &&
                       !is_foreign(node) && treatment == Treatment::kUnwrap;
  const bool block = !is_foreign(node) && is_block(node->v.element.tag);
  if (unknown) {
    append_piece(out, node->v.element.original_tag);
  } else if (block) {
    out += ' ';
  }
  const GumboVector& kids = node->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    append_text_of(out, child(kids, i), depth + 1);
  }
  if (unknown) {
    append_piece(out, node->v.element.original_end_tag);
  } else if (block) {
    out += ' ';
  }
}

}  // namespace html

namespace {

// The bytes append_html_escaped may replace: markup characters, line
// breaks (in attributes) and the C0 controls XML forbids. Text is mostly
// none of them, so it is copied in runs between them.
constexpr std::array<bool, 256> kMaybeEscaped = [] {
  std::array<bool, 256> table{};
  for (unsigned c = 0; c < 0x20; ++c) {
    table[c] = c != '\t';
  }
  for (unsigned char c : {'&', '<', '>', '"'}) {
    table[c] = true;
  }
  return table;
}();

const char* replacement_for(char c, bool attribute) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return attribute ? "&quot;" : nullptr;
    case '\n':
      return attribute ? "&#10;" : nullptr;
    case '\r':
      return attribute ? "&#13;" : nullptr;
    case '\f':
      return " ";  // whitespace to HTML, not to XML
    default:
      return is_forbidden_control(static_cast<unsigned char>(c))
                 ? kReplacementCharacter.data()
                 : nullptr;
  }
}

}  // namespace

void append_html_escaped(std::string& out, std::string_view text,
                         bool attribute) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!kMaybeEscaped[static_cast<unsigned char>(text[i])]) {
      continue;
    }
    if (const char* replacement = replacement_for(text[i], attribute)) {
      out.append(text.substr(start, i - start));
      out += replacement;
      start = i + 1;
    }
  }
  out.append(text.substr(start));
}

std::string html_to_text(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) {
    return collapse_whitespace(html);
  }
  const html::ParsedFragment fragment(html);
  std::string text;
  const GumboVector& nodes = fragment.children();
  for (unsigned i = 0; i < nodes.length; ++i) {
    html::append_text_of(text, html::child(nodes, i));
  }
  return collapse_whitespace(text);
}

std::string unescape_basic_html(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&lt;", '<'},   {"&gt;", '>'},    {"&quot;", '"'},
      {"&#39;", '\''}, {"&#x27;", '\''}, {"&amp;", '&'}};
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (text.substr(i).starts_with(entity)) {
          out += c;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace feedmark
