#include "readability.h"

#include <algorithm>
#include <cmath>

#include "feedmark/util/text.h"

namespace feedmark::page {
namespace {

using html::child;
using html::is_element;
using html::is_text;
using html::tag_of;

// Readability.js scores these; a <div> without blocks counts as a <p>.
bool is_scored_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      return true;
    default:
      return false;
  }
}

bool has_block_child(const GumboNode* node) {
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    if (is_paragraph_block(tag_of(child(nodes, i)))) {
      return true;
    }
  }
  return false;
}

// The text a <div> holds outside its blocks: "<div>Text<p>…</p></div>"
// scores as if "Text" were a paragraph, as Readability.js wraps it in one.
NodeStats loose_text(const GumboNode* div, const PageStats& stats) {
  NodeStats s;
  const GumboVector& nodes = div->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* n = child(nodes, i);
    if (is_text(n) || (is_element(n) && !is_paragraph_block(tag_of(n)))) {
      const NodeStats& c = stats.of(n);
      s.chars += c.chars;
      s.commas += c.commas;
      s.link_chars += c.link_chars;
    }
  }
  return s;
}

double initial_score(const GumboNode* node, const Flags& flags) {
  double score = is_heading(tag_of(node)) ? -5 : 0;
  switch (tag_of(node)) {
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
      score = 5;
      break;
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_BLOCKQUOTE:
      score = 3;
      break;
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_FORM:
      score = -3;
      break;
    case GUMBO_TAG_TH:
      score = -5;
      break;
    default:
      break;
  }
  if (flags.weight_classes) {
    score += class_weight(class_and_id(node));
  }
  return score;
}

/// One pass of scoring over the page.
class Scorer {
 public:
  Scorer(const PageStats& stats, const Flags& flags, Selection& out)
      : stats_(stats), flags_(flags), out_(out) {}

  void visit(const GumboNode* node, int depth) {
    if (!is_element(node) || depth > 300) {
      return;
    }
    const GumboTag tag = tag_of(node);
    if (is_clutter(node, stats_) || stats_.hidden(node) ||
        (tag == GUMBO_TAG_HEADER && !wraps_page(node, stats_))) {
      return;
    }
    if (flags_.strip_unlikely &&
        is_unlikely_candidate(node, class_and_id(node))) {
      out_.unlikely.insert(node);
      return;
    }
    if (is_scored_tag(tag)) {
      score_paragraph(node, stats_.of(node));
    } else if (tag == GUMBO_TAG_DIV) {
      score_paragraph(node, has_block_child(node) ? loose_text(node, stats_)
                                                  : stats_.of(node));
    }
    const GumboVector& nodes = node->v.element.children;
    for (unsigned i = 0; i < nodes.length; ++i) {
      visit(child(nodes, i), depth + 1);
    }
  }

 private:
  // A paragraph of 25 characters or more gives its score to five levels
  // of ancestors: all to its parent, half to the grandparent, then less.
  void score_paragraph(const GumboNode* node, const NodeStats& s) {
    if (s.chars < 25) {
      return;
    }
    const double score =
        1.0 + static_cast<double>(s.commas) +
        std::min(std::floor(static_cast<double>(s.chars) / 100.0), 3.0);
    const GumboNode* ancestor =
        tag_of(node) == GUMBO_TAG_DIV && has_block_child(node)
            ? node  // its loose text is its own
            : node->parent;
    for (int level = 0; ancestor != nullptr && level < 5;
         ++level, ancestor = ancestor->parent) {
      if (!is_element(ancestor) || tag_of(ancestor) == GUMBO_TAG_HTML) {
        break;
      }
      auto [it, added] = out_.scores.try_emplace(ancestor, 0.0);
      if (added) {
        it->second = initial_score(ancestor, flags_);
      }
      const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : level * 3.0;
      it->second += score / divider;
    }
  }

  const PageStats& stats_;
  const Flags& flags_;
  Selection& out_;
};

bool is_ancestor(const GumboNode* ancestor, const GumboNode* node) {
  for (; node != nullptr; node = node->parent) {
    if (node == ancestor) {
      return true;
    }
  }
  return false;
}

double score_of(const Selection& s, const GumboNode* node) {
  const auto it = s.scores.find(node);
  return it == s.scores.end() ? 0.0 : it->second;
}

// Readability.js looks past the best block: when several good ones share
// an ancestor, the article is that ancestor (a page that splits its text
// into sections); a parent scoring higher than the block holds more of it.
const GumboNode* refine_top(
    const GumboNode* top,
    const std::vector<std::pair<double, const GumboNode*>>& ranked,
    const Selection& s, const GumboNode* body) {
  const double top_score = score_of(s, top);
  std::vector<const GumboNode*> alternatives;
  for (std::size_t i = 1; i < std::min<std::size_t>(ranked.size(), 5); ++i) {
    if (ranked[i].first / top_score >= 0.75) {
      alternatives.push_back(ranked[i].second);
    }
  }
  if (alternatives.size() >= 3) {
    for (const GumboNode* p = top->parent; p != nullptr && p != body;
         p = p->parent) {
      const auto holding =
          std::count_if(alternatives.begin(), alternatives.end(),
                        [&](const GumboNode* a) { return is_ancestor(p, a); });
      if (holding >= 3) {
        top = p;
        break;
      }
    }
  }
  double last = score_of(s, top);
  const double threshold = last / 3;
  for (const GumboNode* p = top->parent;
       p != nullptr && p != body && is_element(p); p = p->parent) {
    if (!s.scores.contains(p)) {
      continue;
    }
    const double parent_score = score_of(s, p);
    if (parent_score < threshold) {
      break;
    }
    if (parent_score > last) {
      top = p;
      break;
    }
    last = parent_score;
  }
  // An only child is its parent's whole content.
  while (top->parent != nullptr && top->parent != body &&
         is_element(top->parent) &&
         top->parent->v.element.children.length == 1) {
    top = top->parent;
  }
  return top;
}

// A page's own mark of its article: <article>, or schema.org's
// articleBody.
bool is_article_container(const GumboNode* node) {
  return tag_of(node) == GUMBO_TAG_ARTICLE ||
         ascii_lowercase(html::attribute(node, "itemprop")) == "articlebody";
}

// The scorer often picks the body's largest piece and misses its lead, a
// list or a second module; when the page marks the article itself (an
// <article> or itemprop=articleBody around the pick, of which the pick is
// a good part and which is not a list of links), that mark is the article.
const GumboNode* marked_container(const GumboNode* top, const PageStats& stats,
                                  const GumboNode* body) {
  const std::size_t chars = stats.of(top).chars;
  int level = 0;
  for (const GumboNode* p = top->parent;
       p != nullptr && p != body && is_element(p) && level < 6;
       p = p->parent, ++level) {
    if (!is_article_container(p)) {
      continue;
    }
    const NodeStats& s = stats.of(p);
    if (s.chars <= 2 * chars + 200 && stats.link_density(p) < 0.3) {
      return p;
    }
    return top;
  }
  return top;
}

bool ends_sentence(const std::string& text) {
  return text.ends_with('.') || text.ends_with("\u3002") ||
         text.ends_with('!') || text.ends_with('?');
}

}  // namespace

Selection select_article(const GumboNode* body, const PageStats& stats,
                         const Flags& flags) {
  Selection s;
  Scorer(stats, flags, s).visit(body, 0);
  std::vector<std::pair<double, const GumboNode*>> ranked;
  for (auto& [node, score] : s.scores) {
    score *= 1.0 - stats.link_density(node);
    ranked.emplace_back(score, node);
  }
  if (ranked.empty()) {
    return s;
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first
               ? a.first > b.first
               : a.second->index_within_parent < b.second->index_within_parent;
  });
  const GumboNode* top = refine_top(ranked[0].second, ranked, s, body);
  if (const GumboNode* marked = marked_container(top, stats, body);
      marked != top) {
    s.nodes.push_back(marked);
    return s;
  }
  if (top == body || top->parent == nullptr || !is_element(top->parent)) {
    s.nodes.push_back(top);
    return s;
  }
  const double top_score = score_of(s, top);
  const double threshold = std::max(10.0, top_score * 0.2);
  const std::string top_class = std::string(html::attribute(top, "class"));
  const GumboVector& siblings = top->parent->v.element.children;
  for (unsigned i = 0; i < siblings.length; ++i) {
    const GumboNode* sib = child(siblings, i);
    if (sib == top) {
      s.nodes.push_back(sib);
      continue;
    }
    if (!is_element(sib) || is_clutter(sib, stats) || stats.hidden(sib) ||
        s.unlikely.contains(sib)) {
      continue;
    }
    double bonus = 0;
    if (!top_class.empty() && html::attribute(sib, "class") == top_class) {
      bonus = top_score * 0.2;
    }
    bool append =
        s.scores.contains(sib) && score_of(s, sib) + bonus >= threshold;
    if (!append && tag_of(sib) == GUMBO_TAG_P) {
      const std::size_t chars = stats.of(sib).chars;
      const double density = stats.link_density(sib);
      append = (chars > 80 && density < 0.25) ||
               (chars > 0 && chars <= 80 && density == 0 &&
                ends_sentence(PageStats::text_of(sib)));
    }
    if (append) {
      s.nodes.push_back(sib);
    }
  }
  return s;
}

}  // namespace feedmark::page
