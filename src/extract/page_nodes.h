#pragma once

// What the full-text extractor knows of a page's nodes: their text and
// link statistics, computed once, and the class/id hints of Readability.

#include <gumbo.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "feedmark/html/fragment.h"

namespace feedmark::page {

/// The text inside a node, as the extractor counts it.
struct NodeStats {
  std::size_t chars = 0;       ///< characters of text (whitespace runs as one)
  std::size_t link_chars = 0;  ///< of those, inside links
  std::size_t commas = 0;      ///< commas of every script, and 、。
  unsigned paragraphs = 0;
  unsigned images = 0;
  unsigned list_items = 0;
  unsigned inputs = 0;
  unsigned embeds = 0;
  std::size_t heading_chars = 0;
};

/// Elements never part of an article: scripts, styles, forms' controls,
/// navigation, and what is hidden.
bool is_clutter_tag(GumboTag tag);
bool is_hidden(const GumboNode* node);
class PageStats;
/// Clutter, but a <form> only when it holds little prose: a page may wrap
/// its whole content in one.
bool is_clutter(const GumboNode* node, const PageStats& stats);
/// A <form> or <header> that holds most of the page's text: the page's
/// wrapper, not a form or a masthead.
bool wraps_page(const GumboNode* node, const PageStats& stats);

/// The class and id of an element, lowercased and joined by a space.
std::string class_and_id(const GumboNode* node);
/// Readability's hint from class and id: +25 for "article", "content"…,
/// -25 for "comment", "sidebar", "footer"….
int class_weight(const std::string& class_and_id);
/// A class or id that marks a block as unlikely content ("sidebar",
/// "comment", "related"…), unless it also says it may hold it ("article",
/// "main", "body"…), or an ARIA role of navigation.
bool is_unlikely_candidate(const GumboNode* node, const std::string& hints);

/// The blocks Readability.js looks for in a <div> (images among them): a
/// <div> holding none is a paragraph.
bool is_paragraph_block(GumboTag tag);
/// <h1> to <h6>.
inline bool is_heading(GumboTag tag) {
  return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6;
}

/// The statistics of every node under a root, computed in one walk.
class PageStats {
 public:
  explicit PageStats(const GumboNode* root);
  const NodeStats& of(const GumboNode* node) const;
  double link_density(const GumboNode* node) const;
  /// Hidden (is_hidden), unless a script moves it into view.
  bool hidden(const GumboNode* node) const;
  /// Characters of text in the whole page.
  std::size_t page_chars() const { return page_chars_; }
  /// The node's text as it reads, whitespace collapsed.
  static std::string text_of(const GumboNode* node);

 private:
  NodeStats walk(const GumboNode* node, bool in_link);
  std::unordered_map<const GumboNode*, NodeStats> stats_;
  NodeStats empty_;
  std::unordered_set<const GumboNode*> revealed_;
  std::size_t page_chars_ = 0;
};

}  // namespace feedmark::page
