// The selected blocks written back as HTML, with what Readability.js
// cleans out of an article left out (its prepArticle, read to learn from).

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "feedmark/html/policy.h"
#include "feedmark/html/tags.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "readability.h"

namespace feedmark::page {
namespace {

using html::attribute;
using html::child;
using html::is_element;
using html::is_text;
using html::tag_of;

bool has_ancestor(const GumboNode* node, GumboTag tag) {
  for (const GumboNode* p = node->parent; p != nullptr; p = p->parent) {
    if (tag_of(p) == tag) {
      return true;
    }
  }
  return false;
}

// A table of data (headers, a caption) is content; one that lays the page
// out is judged like a <div>.
bool is_data_table(const GumboNode* table) {
  if (!attribute(table, "summary").empty()) {
    return true;
  }
  bool found = false;
  std::function<void(const GumboNode*, int)> look = [&](const GumboNode* n,
                                                        int depth) {
    if (found || !is_element(n) || depth > 4) {
      return;
    }
    const GumboTag t = tag_of(n);
    if (t == GUMBO_TAG_CAPTION || t == GUMBO_TAG_TH || t == GUMBO_TAG_THEAD) {
      found = true;
      return;
    }
    const GumboVector& nodes = n->v.element.children;
    for (unsigned i = 0; i < nodes.length; ++i) {
      look(child(nodes, i), depth + 1);
    }
  };
  look(table, 0);
  return found;
}

// A list of pictures, each item one image: a gallery, kept.
bool is_image_list(const GumboNode* list, const NodeStats& s) {
  return s.list_items > 0 && s.images >= s.list_items &&
         s.chars < 25 * s.list_items + 25 && tag_of(list) != GUMBO_TAG_DIV;
}

std::string normalized(std::string_view text) {
  std::string out;
  for (char c : collapse_whitespace(text)) {
    if (std::isalnum(static_cast<unsigned char>(c)) ||
        static_cast<unsigned char>(c) >= 0x80) {
      out += ascii_lower(c);
    }
  }
  return out;
}

// Words of a class or id that name a panel beside the article: who wrote
// it, when, its comments, sign-ups, consent banners, lists of other
// stories. Such a block inside the article is left out unless it is a
// large part of it.
constexpr std::array<std::string_view, 19> kPanelHints = {
    "author",     "byline",       "comment",    "newsletter", "subscri",
    "signup",     "sign-up",      "cookie",     "consent",    "gdpr",
    "related",    "recommend",    "breadcrumb", "rating",     "post-meta",
    "entry-meta", "article-meta", "tags",       "popup"};

bool names_a_panel(const std::string& hints) {
  return std::any_of(
      kPanelHints.begin(), kPanelHints.end(),
      [&](std::string_view w) { return hints.find(w) != std::string::npos; });
}

// A lead is a sentence or two; a kicker, a date or a credit is shorter.
constexpr std::size_t kLeadChars = 170;

class ContentWriter {
 public:
  ContentWriter(const Selection& selection, const PageStats& stats,
                const Flags& flags, const std::string& title)
      : selection_(selection),
        stats_(stats),
        flags_(flags),
        title_(normalized(title)) {
    for (const GumboNode* node : selection.nodes) {
      article_chars_ += stats.of(node).chars;
    }
  }

  void write_top(const GumboNode* node) {
    write(node, 0, true, has_ancestor(node, GUMBO_TAG_FIGURE));
  }
  std::string take() { return std::move(out_); }

 private:
  // `in_figure`: whether an ancestor is a <figure>, passed down rather
  // than looked up for every block.
  void write(const GumboNode* node, int depth, bool top, bool in_figure) {
    if (is_text(node)) {
      if (in_intro_ > 0 && tag_of(node->parent) == GUMBO_TAG_HEADER) {
        return;
      }
      append_html_escaped(out_, node->v.text.text);
      return;
    }
    if (!is_element(node) || depth > 300 ||
        (!top && skipped(node, in_figure))) {
      return;
    }
    const GumboTag tag = tag_of(node);
    in_figure = in_figure || tag == GUMBO_TAG_FIGURE;
    const bool intro = tag == GUMBO_TAG_HEADER && is_article_header(node);
    in_intro_ += intro;
    const std::string name = tag == GUMBO_TAG_UNKNOWN
                                 ? std::string()
                                 : std::string(gumbo_normalized_tagname(tag));
    if (!name.empty()) {
      out_ += '<';
      out_ += name;
      const GumboVector& attrs = node->v.element.attributes;
      for (unsigned i = 0; i < attrs.length; ++i) {
        const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
        out_ += ' ';
        out_ += a->name;
        out_ += "=\"";
        append_html_escaped(out_, a->value, true);
        out_ += '"';
      }
      out_ += '>';
    }
    if (is_void(tag)) {
      return;
    }
    const GumboVector& nodes = node->v.element.children;
    for (unsigned i = 0; i < nodes.length; ++i) {
      write(child(nodes, i), depth + 1, false, in_figure);
    }
    if (!name.empty()) {
      out_ += "</" + name + ">";
    }
    in_intro_ -= intro;
  }

  // An <article>'s own <header> holds its introduction (HTML's
  // "introductory content": the lead under the title); a page's header
  // is its masthead.
  bool is_article_header(const GumboNode* header) const {
    return !wraps_page(header, stats_) &&
           has_ancestor(header, GUMBO_TAG_ARTICLE);
  }

  // Of an article's header, only the lead: blocks of prose, not its
  // kicker, date, credits or picture.
  bool outside_lead(const GumboNode* node) const {
    const GumboTag tag = tag_of(node);
    if (tag == GUMBO_TAG_FIGURE || tag == GUMBO_TAG_TIME) {
      return true;
    }
    if (!html::is_block(tag) && !is_heading(tag)) {
      // Loose words in the header itself: a kicker, a dateline.
      return tag_of(node->parent) == GUMBO_TAG_HEADER;
    }
    const GumboVector& nodes = node->v.element.children;
    for (unsigned i = 0; i < nodes.length; ++i) {
      if (is_paragraph_block(tag_of(child(nodes, i)))) {
        return false;  // judged by its blocks
      }
    }
    return stats_.of(node).chars < kLeadChars ||
           stats_.link_density(node) > 0.3;
  }

  bool skipped(const GumboNode* node, bool in_figure) const {
    const GumboTag tag = tag_of(node);
    if (is_clutter(node, stats_) ||
        (tag == GUMBO_TAG_HEADER && !is_article_header(node)) ||
        (in_intro_ > 0 && outside_lead(node)) || stats_.hidden(node) ||
        selection_.unlikely.contains(node)) {
      return true;
    }
    const std::string hints = class_and_id(node);
    if ((hints.find("share") != std::string::npos ||
         hints.find("social") != std::string::npos) &&
        stats_.of(node).chars < 500) {
      return true;
    }
    if (flags_.weight_classes && names_a_panel(hints) &&
        5 * stats_.of(node).chars < 2 * article_chars_) {
      return true;
    }
    if (is_heading(tag)) {
      return repeats_title(node) ||
             (flags_.weight_classes && class_weight(hints) < 0);
    }
    if (flags_.clean_conditionally &&
        (tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_SECTION ||
         tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL ||
         tag == GUMBO_TAG_TABLE)) {
      return fails_conditions(node, hints, in_figure);
    }
    return false;
  }

  bool repeats_title(const GumboNode* heading) const {
    // A heading far longer than the title cannot repeat it: its text is
    // not even gathered (headings nested in headings would gather it
    // again at every level).
    if (title_.empty() || stats_.of(heading).chars > 2 * title_.size() + 16) {
      return false;
    }
    const std::string text = normalized(PageStats::text_of(heading));
    return !text.empty() &&
           (text == title_ || (text.size() > 10 && title_.find(text) == 0) ||
            (title_.size() > 10 && text.find(title_) != std::string::npos &&
             text.size() < title_.size() * 2));
  }

  // Readability.js's _cleanConditionally: blocks of links, of pictures
  // without text, of form fields, or with a negative score go.
  bool fails_conditions(const GumboNode* node, const std::string& hints,
                        bool in_figure) const {
    const GumboTag tag = tag_of(node);
    if (tag == GUMBO_TAG_TABLE && is_data_table(node)) {
      return false;
    }
    const NodeStats& s = stats_.of(node);
    const int weight = flags_.weight_classes ? class_weight(hints) : 0;
    const auto scored = selection_.scores.find(node);
    const double score =
        scored == selection_.scores.end() ? 0.0 : scored->second;
    if (weight + score < 0) {
      return true;
    }
    if (s.commas >= 10) {
      return false;
    }
    const bool is_list = tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL;
    const double p = s.paragraphs;
    const double img = s.images;
    const double li = static_cast<double>(s.list_items) - 100;
    const double density = stats_.link_density(node);
    const double heading_density =
        s.chars == 0 ? 0 : static_cast<double>(s.heading_chars) / s.chars;
    const bool remove = (img > 1 && p / img < 0.5 && !in_figure) ||
                        (!is_list && li > p) ||
                        (s.inputs > std::floor(p / 3)) ||
                        (!is_list && heading_density < 0.9 && s.chars < 25 &&
                         (img == 0 || img > 2) && !in_figure) ||
                        (!is_list && weight < 25 && density > 0.2) ||
                        (weight >= 25 && density > 0.5) ||
                        ((s.embeds == 1 && s.chars < 75) || s.embeds > 1);
    return remove && !(is_list && is_image_list(node, s));
  }

  const Selection& selection_;
  const PageStats& stats_;
  const Flags& flags_;
  const std::string title_;
  std::size_t article_chars_ = 0;
  int in_intro_ = 0;  ///< inside an article's <header>
  std::string out_;
};

}  // namespace

std::string article_html(const Selection& selection, const PageStats& stats,
                         const Flags& flags, const std::string& title) {
  ContentWriter writer(selection, stats, flags, title);
  for (const GumboNode* node : selection.nodes) {
    writer.write_top(node);
  }
  return writer.take();
}

}  // namespace feedmark::page
