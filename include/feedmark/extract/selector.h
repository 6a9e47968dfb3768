#pragma once

// The CSS subset of a feed list's full-text-selector= (SPEC "Full text"):
// type, .class, #id, [attr], [attr=value], the descendant and child
// combinators, and "," lists. Matched on gumbo's tree; no library does it
// for gumbo, and the subset is small.

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "feedmark/util/error.h"

namespace feedmark {

class Selector {
 public:
  /// Parses a selector; the error says what is wrong with it.
  static Result<Selector> parse(std::string_view text);

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

  /// What the ancestors of a node matched, for each compound of each
  /// selector: whether some ancestor ends a match of the selector's first
  /// k+1 compounds, and whether the parent does. Passed down the tree, so
  /// each element is matched once against each compound.
  struct Context {
    std::vector<std::vector<bool>> ancestor;
    std::vector<std::vector<bool>> parent;
  };

  static bool matches_compound(const GumboNode* node, const Compound& c);
  /// The prefixes of each selector that end at `node`, given its context;
  /// true when a whole selector does.
  bool match_here(const GumboNode* node, const Context& context,
                  std::vector<std::vector<bool>>& here) const;
  void collect(const GumboNode* node, const Context& context,
               std::vector<const GumboNode*>& found, int depth) const;

  std::vector<Complex> list_;
};

}  // namespace feedmark
