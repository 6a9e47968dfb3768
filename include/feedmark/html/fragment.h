#pragma once

// An HTML fragment parsed, bounded first (guard.h), and the small helpers
// every walker of its tree uses. Tidy fragments are read directly into the
// tree gumbo would build (src/html/direct_tree.h); the rest go to gumbo.

#include <gumbo.h>

#include <memory>
#include <string>
#include <string_view>

namespace feedmark::html {

class DirectTree;

enum class FragmentParser {
  kDirectFirst,  ///< the direct reader, and gumbo if it declines
  kGumbo,        ///< gumbo only: what tests compare the direct reader with
  /// The direct reader, else gumbo as in a <body> rather than a
  /// <template>: how a browser reads an article's HTML in its page.
  kDirectFirstInBody,
  kGumboInBody,  ///< gumbo only, as in a <body>
};

/// A parsed fragment; the thread's arena is reset when it goes away.
class ParsedFragment {
 public:
  explicit ParsedFragment(std::string_view html,
                          FragmentParser parser = FragmentParser::kDirectFirst);
  ~ParsedFragment();
  ParsedFragment(const ParsedFragment&) = delete;
  ParsedFragment& operator=(const ParsedFragment&) = delete;

  /// The nodes of the fragment: the children of <html> in fragment mode.
  const GumboVector& children() const { return *children_; }
  /// Whether the tree was read without gumbo.
  bool read_directly() const { return direct_ != nullptr; }

 private:
  std::string source_;  ///< the input, when it had to be changed
  std::unique_ptr<DirectTree> direct_;
  GumboOutput* output_ = nullptr;
  const GumboVector* children_ = nullptr;
};

/// Whether two trees are the same to every walker of them: node types,
/// tags, namespaces, attribute names and values in order, text, and
/// whether an element came from an end tag ("</br>"). For tests and the
/// fuzzer, which hold the direct reader to gumbo.
bool same_tree(const GumboVector& a, const GumboVector& b);

inline const GumboNode* child(const GumboVector& v, unsigned i) {
  return static_cast<const GumboNode*>(v.data[i]);
}

inline bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

/// An element the parser made from an end tag ("</br>" is a <br>, HTML
/// §13.2.6.4.7), or made up: no start tag of its own in the source.
inline bool made_by_end_tag(const GumboElement& element) {
  const GumboStringPiece& source = element.original_tag;
  return source.length == 0 || (source.length > 1 && source.data[1] == '/');
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
