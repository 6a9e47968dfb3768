#pragma once

// An HTML fragment parsed by gumbo, bounded first (guard.h), and the small
// helpers every walker of its tree uses.

#include <gumbo.h>

#include <string>
#include <string_view>

namespace feedmark::html {

/// A parsed fragment; the thread's arena is reset when it goes away.
class ParsedFragment {
 public:
  explicit ParsedFragment(std::string_view html);
  ~ParsedFragment();
  ParsedFragment(const ParsedFragment&) = delete;
  ParsedFragment& operator=(const ParsedFragment&) = delete;

  /// The nodes of the fragment: the children of <html> in fragment mode.
  const GumboVector& children() const {
    return output_->root->v.element.children;
  }

 private:
  std::string source_;  ///< the input, when it had to be changed
  GumboOutput* output_ = nullptr;
};

/// Whether gumbo is given `html` as it is: none of the parser's bounds
/// (guard.h: depth, nodes, attributes, open formatting elements) cuts it.
bool within_parser_bounds(std::string_view html);

inline const GumboNode* child(const GumboVector& v, unsigned i) {
  return static_cast<const GumboNode*>(v.data[i]);
}

inline bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

inline bool is_text(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
         node->type == GUMBO_NODE_CDATA;
}

inline GumboTag tag_of(const GumboNode* node) {
  return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

/// The value of an element's attribute, or "".
inline std::string_view attribute(const GumboNode* node, const char* name) {
  if (!is_element(node)) {
    return {};
  }
  const GumboAttribute* a =
      gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

inline bool only_whitespace(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f") == std::string_view::npos;
}

}  // namespace feedmark::html
