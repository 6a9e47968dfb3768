#pragma once

// Readability's search for the article in a page (after Mozilla's
// Readability.js, read to learn from): paragraphs score their ancestors,
// the best-scored block wins, and its siblings that look like more of it
// join it. The tree is not changed: what is left out is only skipped.

#include <gumbo.h>

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "page_nodes.h"

namespace feedmark::page {

/// The rules a pass applies; a pass that finds too little text is run
/// again with fewer of them, as Readability.js does.
struct Flags {
  bool strip_unlikely = true;       ///< skip blocks whose class says "sidebar"
  bool weight_classes = true;       ///< class and id hints in the scores
  bool clean_conditionally = true;  ///< drop link lists, image grids…
};

/// The blocks that make the article, in document order, and what was
/// learnt on the way.
struct Selection {
  std::vector<const GumboNode*> nodes;
  std::unordered_map<const GumboNode*, double> scores;
  /// Blocks skipped as unlikely (when strip_unlikely).
  std::unordered_set<const GumboNode*> unlikely;
};

/// Scores the page under `body` and selects its article; nothing selected
/// when no block holds a paragraph of text.
Selection select_article(const GumboNode* body, const PageStats& stats,
                         const Flags& flags);

/// The selected blocks as HTML, cleaned: clutter, hidden and unlikely
/// blocks, share bars, link lists, image grids and forms left out, and a
/// heading that repeats the title.
std::string article_html(const Selection& selection, const PageStats& stats,
                         const Flags& flags, const std::string& title);

}  // namespace feedmark::page
