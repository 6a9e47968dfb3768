#pragma once

// The tree of a body the sanitizer wrote, read without gumbo's parser
// (src/write only). The sanitizer's output is a strict form of HTML: every
// element closed, in the order opened; void elements as "<br />";
// attributes double-quoted; text and values escaped with &amp; &lt; &gt;
// &quot; and &#10; only. For that form gumbo builds exactly the nesting the
// tags spell, so this reader builds the same GumboNode tree, in a tenth of
// gumbo's time: with it, --format obsidian costs a walk of the body, not a
// second HTML parse (docs/speed.md). Anything outside the form (a comment,
// a stray end tag, an element gumbo does not know, SVG) is left to gumbo.

#include <gumbo.h>

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace feedmark::markdown {

class SanitizedTree {
 public:
  /// Reads `html`; false if it strays from the sanitizer's form.
  bool read(std::string_view html);
  /// The top-level nodes, as ParsedFragment::children() gives them.
  const GumboVector& children() const { return root_; }

 private:
  GumboNode* add_node(GumboNodeType type);
  GumboTag top_tag() const;
  bool reparented(GumboTag tag) const;
  const char* keep(std::string text);
  bool read_text(std::string_view& html);
  bool read_start_tag(std::string_view& html);
  bool read_end_tag(std::string_view& html);
  void close_top();

  struct Open {
    GumboNode* node;
    std::vector<void*>* children;
  };
  std::deque<GumboNode> nodes_;
  std::deque<GumboAttribute> attributes_;
  std::deque<std::string> strings_;
  std::deque<std::vector<void*>> vectors_;
  std::vector<Open> open_;
  GumboVector root_{};
};

}  // namespace feedmark::markdown
