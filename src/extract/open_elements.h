#pragma once

// What a browser would build from the sanitizer's output, decided as it is
// written (private to src/extract). The writer writes a tree with every
// element closed in order, but an HTML parser does not always nest what it
// reads as the tags spell: "<p><div>" closes the <p>, "<a><a>" the first
// link, "<svg><p>" the SVG; "<tr>" outside a table is ignored and text in a
// table's rows is moved out in front of it. Feed HTML never parses into
// such a tree, but taking out what the sanitizer drops can make one
// ("<p><object><div>" loses its <object>). So before each start tag the
// writer asks whether the parser would open it here, as a child of the
// element open last; if not, the element is unwrapped (its content kept).
// docs/decisions.md "Sanitizing" lists the constructs and what becomes of
// them.

#include <gumbo.h>

#include <vector>

namespace feedmark::html {

class OpenElements {
 public:
  /// Whether the parser, reading `node`'s start tag now, would open it
  /// as a child of the current element, in its namespace.
  bool takes(const GumboNode* node) const;
  /// The same for an HTML element the writer makes up (<a>, <div>).
  bool takes_html(GumboTag tag) const;
  /// Whether text written now stays here: not in a table or its rows,
  /// where the parser moves it out in front of the table.
  bool takes_text() const;

  /// For a table part the parser would ignore here ("<tr>" in a body:
  /// a fragment cut out of a table), the table elements to open first so
  /// that it is kept (<table><tbody>); empty if none would do.
  std::vector<GumboTag> wrappers_for(const GumboNode* node) const;

  void push(const GumboNode* node);
  void push_html(GumboTag tag);
  void pop() { open_.pop_back(); }

 private:
  struct Open {
    GumboTag tag;
    GumboNamespaceEnum ns;
    bool html_rules;  ///< HTML, or an integration point inside SVG/MathML
  };
  bool takes_in_body(GumboTag tag) const;
  bool in_scope(GumboTag tag, bool button_scope) const;
  bool link_open() const;
  bool closes_open_item(GumboTag tag) const;
  bool pops_for_ruby(GumboTag tag) const;

  std::vector<Open> open_;
};

/// Whether a <p> would hold a block that closes it in the browser
/// ("<p><object><div>…" once the <object> is unwrapped): the writer then
/// writes it as a <div>, which holds any block.
bool paragraph_holds_block(const GumboNode* p);

}  // namespace feedmark::html
