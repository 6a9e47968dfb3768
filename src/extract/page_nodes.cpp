#include "page_nodes.h"

#include <array>

#include "feedmark/util/text.h"

namespace feedmark::page {
namespace {

using html::attribute;
using html::child;
using html::is_element;
using html::is_text;
using html::tag_of;

// Readability's hints (Readability.js REGEXPS), as substrings of the class
// and id.
constexpr std::array<std::string_view, 20> kPositive = {
    "article",     "body",       "content",   "entry",     "hentry",
    "h-entry",     "main",       "page",      "post",      "text",
    "blog",        "story",      "prose",     "rich-text", "article-body",
    "articlebody", "pagination", "permalink", "detail",    "news"};
constexpr std::array<std::string_view, 27> kNegative = {
    "-ad-",     "hidden",     "banner",   "combx",    "comment", "com-",
    "contact",  "foot",       "gdpr",     "masthead", "media",   "meta",
    "outbrain", "promo",      "related",  "scroll",   "share",   "shoutbox",
    "sidebar",  "skyscraper", "sponsor",  "shopping", "tags",    "tool",
    "widget",   "recommend",  "subscribe"};
constexpr std::array<std::string_view, 31> kUnlikely = {
    "-ad-",         "ai2html",    "banner",  "breadcrumbs", "combx",  "comment",
    "community",    "cover-wrap", "disqus",  "extra",       "footer", "gdpr",
    "header",       "legends",    "menu",    "related",     "remark", "replies",
    "rss",          "shoutbox",   "sidebar", "skyscraper",  "social", "sponsor",
    "supplemental", "ad-break",   "agegate", "pagination",  "pager",  "popup",
    "yom-remote"};
constexpr std::array<std::string_view, 6> kMaybe = {
    "and", "article", "body", "column", "content", "main"};

bool contains_any(const std::string& text, auto& words) {
  for (std::string_view w : words) {
    if (text.find(w) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Commas of Latin, Arabic, CJK and other scripts, and the CJK enumeration
// comma and full stop: a Chinese paragraph has few "," but many "，。".
bool is_comma(char32_t c) {
  switch (c) {
    case U',':
    case U'\u060C':
    case U'\uFE50':
    case U'\uFE10':
    case U'\uFE11':
    case U'\u2E41':
    case U'\u2E34':
    case U'\u2E32':
    case U'\uFF0C':
    case U'\u3001':
    case U'\u3002':
      return true;
    default:
      return false;
  }
}

void add(NodeStats& into, const NodeStats& s) {
  into.chars += s.chars;
  into.link_chars += s.link_chars;
  into.commas += s.commas;
  into.paragraphs += s.paragraphs;
  into.images += s.images;
  into.list_items += s.list_items;
  into.inputs += s.inputs;
  into.embeds += s.embeds;
  into.heading_chars += s.heading_chars;
}

NodeStats text_stats(std::string_view text, bool in_link) {
  NodeStats s;
  bool space = true;
  for (std::size_t i = 0; i < text.size();) {
    if (is_ascii_space(text[i])) {
      s.chars += space ? 0 : 1;
      space = true;
      ++i;
      continue;
    }
    space = false;
    const char32_t c = decode_utf8_at(text, i);
    s.commas += is_comma(c);
    ++s.chars;
    i += std::min(utf8_length(static_cast<unsigned char>(text[i])),
                  text.size() - i);
  }
  if (in_link) {
    s.link_chars = s.chars;
  }
  return s;
}

void append_text(std::string& out, const GumboNode* node, int depth) {
  if (is_text(node)) {
    out += node->v.text.text;
    return;
  }
  if (!is_element(node) || depth > 200 ||
      (is_clutter_tag(tag_of(node)) && tag_of(node) != GUMBO_TAG_FORM)) {
    return;
  }
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    append_text(out, child(nodes, i), depth + 1);
    if (is_paragraph_block(tag_of(child(nodes, i)))) {
      out += ' ';
    }
  }
}

// Characters of text outside links that make a <form> more than a form.
constexpr std::size_t kProseInForm = 250;

// React's streamed HTML sends the body late, in `<div hidden id="S:0">`,
// and a script right after it moves it into place ($RC("B:0","S:0")): a
// hidden block that one of its next few siblings' scripts names by id is
// shown.
bool is_revealed_by_script(const GumboNode* node) {
  const std::string_view id = attribute(node, "id");
  const GumboNode* parent = node->parent;
  if (id.empty() || parent == nullptr || !is_element(parent)) {
    return false;
  }
  const GumboVector& siblings = parent->v.element.children;
  int looked = 0;
  for (unsigned i = node->index_within_parent + 1;
       i < siblings.length && looked < 4; ++i) {
    const GumboNode* sib = child(siblings, i);
    if (!is_element(sib)) {
      continue;
    }
    ++looked;
    if (tag_of(sib) != GUMBO_TAG_SCRIPT) {
      continue;
    }
    const GumboVector& text = sib->v.element.children;
    for (unsigned j = 0; j < text.length; ++j) {
      const std::string_view code =
          is_text(child(text, j)) ? child(text, j)->v.text.text : "";
      for (std::size_t at = code.find(id); at != std::string_view::npos;
           at = code.find(id, at + 1)) {
        const char before = at == 0 ? ' ' : code[at - 1];
        const char after =
            at + id.size() < code.size() ? code[at + id.size()] : ' ';
        if ((before == '"' || before == '\'') && after == before) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace

bool is_clutter_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_META:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

bool wraps_page(const GumboNode* node, const PageStats& stats) {
  // ASP.NET wraps the whole page in one <form>, and a page that never
  // closes its <header> has its article inside it: such a block holds most
  // of the page's text; a search box, a sign-up or a masthead a little.
  const NodeStats& s = stats.of(node);
  return s.chars - s.link_chars >= kProseInForm &&
         2 * s.chars >= stats.page_chars();
}

bool is_clutter(const GumboNode* node, const PageStats& stats) {
  const GumboTag tag = tag_of(node);
  if (tag == GUMBO_TAG_FORM || tag == GUMBO_TAG_NOSCRIPT) {
    // A <noscript> left open holds the rest of the page as elements.
    return !wraps_page(node, stats);
  }
  return is_clutter_tag(tag);
}

bool is_hidden(const GumboNode* node) {
  if (!is_element(node)) {
    return false;
  }
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden") != nullptr ||
      attribute(node, "aria-hidden") == "true") {
    return true;
  }
  std::string style = ascii_lowercase(attribute(node, "style"));
  std::erase(style, ' ');
  return style.find("display:none") != std::string::npos ||
         style.find("visibility:hidden") != std::string::npos;
}

std::string class_and_id(const GumboNode* node) {
  std::string hints = ascii_lowercase(attribute(node, "class"));
  hints += ' ';
  hints += ascii_lowercase(attribute(node, "id"));
  return hints;
}

int class_weight(const std::string& hints) {
  int weight = 0;
  if (contains_any(hints, kNegative)) {
    weight -= 25;
  }
  if (contains_any(hints, kPositive)) {
    weight += 25;
  }
  return weight;
}

bool is_unlikely_candidate(const GumboNode* node, const std::string& hints) {
  const GumboTag tag = tag_of(node);
  if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_A || tag == GUMBO_TAG_ARTICLE ||
      tag == GUMBO_TAG_MAIN) {
    return false;
  }
  const std::string_view role = attribute(node, "role");
  if (role == "menu" || role == "menubar" || role == "complementary" ||
      role == "navigation" || role == "alert" || role == "alertdialog" ||
      role == "dialog") {
    return true;
  }
  return contains_any(hints, kUnlikely) && !contains_any(hints, kMaybe);
}

bool is_paragraph_block(GumboTag tag) {
  if (is_heading(tag)) {
    return true;
  }
  switch (tag) {
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_HR:
      return true;
    default:
      return false;
  }
}

PageStats::PageStats(const GumboNode* root)
    : page_chars_(walk(root, false).chars) {}

NodeStats PageStats::walk(const GumboNode* node, bool in_link) {
  if (is_text(node)) {
    return text_stats(node->v.text.text, in_link);
  }
  if (!is_element(node)) {
    return {};
  }
  NodeStats s;
  const GumboTag tag = tag_of(node);
  // What never shows as text: scripts, and a form's options and fields.
  if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE ||
      tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_SELECT ||
      tag == GUMBO_TAG_TEXTAREA) {
    stats_[node] = s;
    return s;
  }
  const bool link = in_link || tag == GUMBO_TAG_A;
  const GumboVector& nodes = node->v.element.children;
  for (unsigned i = 0; i < nodes.length; ++i) {
    add(s, walk(child(nodes, i), link));
  }
  s.paragraphs += tag == GUMBO_TAG_P;
  s.images += tag == GUMBO_TAG_IMG;
  s.list_items += tag == GUMBO_TAG_LI;
  // ASP.NET pages hold hidden inputs (__VIEWSTATE) around the article.
  s.inputs += tag == GUMBO_TAG_INPUT &&
              ascii_lowercase(attribute(node, "type")) != "hidden";
  s.embeds += tag == GUMBO_TAG_EMBED || tag == GUMBO_TAG_OBJECT ||
              tag == GUMBO_TAG_IFRAME;
  if (is_heading(tag)) {
    s.heading_chars = s.chars;
  }
  if (gumbo_get_attribute(&node->v.element.attributes, "hidden") != nullptr &&
      is_revealed_by_script(node)) {
    revealed_.insert(node);
  }
  stats_[node] = s;
  // What <noscript> holds shows only without scripts: its text is its own,
  // not its ancestors'.
  return tag == GUMBO_TAG_NOSCRIPT ? NodeStats{} : s;
}

const NodeStats& PageStats::of(const GumboNode* node) const {
  const auto it = stats_.find(node);
  return it == stats_.end() ? empty_ : it->second;
}

bool PageStats::hidden(const GumboNode* node) const {
  return is_hidden(node) && !revealed_.contains(node);
}

double PageStats::link_density(const GumboNode* node) const {
  const NodeStats& s = of(node);
  return s.chars == 0
             ? 0.0
             : static_cast<double>(s.link_chars) / static_cast<double>(s.chars);
}

std::string PageStats::text_of(const GumboNode* node) {
  std::string text;
  append_text(text, node, 0);
  return collapse_whitespace(text);
}

}  // namespace feedmark::page
