#pragma once

// The tree of a fragment, read without gumbo's parser when the fragment's
// tags spell its tree (private to src/html; ParsedFragment tries it first).
//
// Most feed bodies are tidy HTML: every element closed, in the order
// opened, with no tag that the parser moves, closes or treats by its own
// rules. For those, HTML's tree builder makes exactly the nesting the tags
// spell, so this reader builds the same GumboNode tree in a fraction of
// gumbo's time (docs/speed.md). It reads quoted, unquoted and bare
// attributes in any case, void elements with or without "/", comments,
// <script> and <style>, and the character references whose meaning it can
// be sure of. Anything else (a stray or implied end tag, an element the
// parser reparents, SVG, a reference such as "&copy" without ";") makes
// read() fail, and the caller parses with gumbo: the reader never guesses.
// The sanitizer's own strict output is always within this form.

#include <gumbo.h>

#include <string>
#include <string_view>
#include <vector>

#include "feedmark/util/arena.h"

namespace feedmark::html {

class DirectTree {
 public:
  /// Reads `html`; false if gumbo could build another tree from it.
  /// The tree points into `html`, which must outlive it.
  bool read(std::string_view html);
  /// The top-level nodes, as ParsedFragment::children() gives them.
  const GumboVector& children() const { return root_; }

 private:
  GumboNode* add_node(GumboNodeType type);
  GumboTag top_tag() const;
  bool reparented(GumboTag tag) const;
  const char* keep(std::string_view text);
  bool add_text(std::string_view text);
  bool read_text(std::string_view& html);
  bool read_comment(std::string_view& html);
  bool read_attributes(std::string_view& html);
  bool read_start_tag(std::string_view& html);
  bool read_raw_text(std::string_view& html, GumboTag tag);
  bool read_end_tag(std::string_view& html);
  void close_top(std::string_view end_tag);

  bool self_closing_ = false;  ///< the last start tag ended "/>"

  template <class T>
  T* make();
  GumboVector vector_from(std::size_t first, std::vector<void*>& items);

  struct Open {
    GumboNode* node;
    std::size_t first_child;  ///< where its children start in children_
  };
  // Everything lives in one arena: a body costs a few blocks, not a
  // malloc for each node, string and vector.
  Arena arena_{32 << 10};
  std::string scratch_;            ///< text being decoded
  std::vector<void*> children_;    ///< the children of the open elements
  std::vector<void*> attributes_;  ///< the attributes of the tag being read
  std::vector<Open> open_;
  GumboVector root_{};
};

}  // namespace feedmark::html
