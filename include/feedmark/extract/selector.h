#pragma once

// The CSS subset of a feed list's full-text-selector= (SPEC "Full text"):
// type, .class, #id, [attr], [attr=value], the descendant and child
// combinators, and "," lists. Matched on gumbo's tree; no library does it
// for gumbo, and the subset is small.

#include <gumbo.h>

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "feedmark/util/error.h"

namespace feedmark {

class Selector {
 public:
  /// Parses a selector; the error says what is wrong with it.
  static Result<Selector> parse(std::string_view text);

  /// Whether `node` (an element) matches any of the list's selectors.
  bool matches(const GumboNode* node) const;
  /// The elements under `root` that match and are not inside another
  /// match, in document order.
  std::vector<const GumboNode*> select(const GumboNode* root) const;

 private:
  struct Attribute {
    std::string name;
    std::string value;
    bool any_value = true;  ///< [attr] rather than [attr=value]
  };
  /// One compound selector: div.a.b#c[x=y].
  struct Compound {
    std::string tag;  ///< lowercase; "" or "*" for any
    std::vector<std::string> classes;
    std::string id;
    std::vector<Attribute> attributes;
    /// How it relates to the compound before it: ' ' descendant, '>'
    /// child; '\0' for the first.
    char combinator = '\0';
  };
  using Complex = std::vector<Compound>;

  /// Results of matches_complex by node and compound, for one select():
  /// without them, "a b c d" on a page nested a thousand deep would try
  /// every way up the tree.
  using Memo =
      std::map<std::tuple<const GumboNode*, const Complex*, std::size_t>, bool>;

  static bool matches_compound(const GumboNode* node, const Compound& c);
  static bool matches_complex(const GumboNode* node, const Complex& complex,
                              std::size_t last, Memo& memo);
  bool matches(const GumboNode* node, Memo& memo) const;
  void collect(const GumboNode* node, std::vector<const GumboNode*>& found,
               Memo& memo, int depth) const;

  std::vector<Complex> list_;
};

}  // namespace feedmark
