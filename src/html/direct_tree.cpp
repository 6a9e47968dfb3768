#include "html/direct_tree.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "feedmark/html/fragment.h"
#include "feedmark/html/tags.h"
#include "feedmark/util/text.h"
#include "html/input_stream.h"
#include "html/references.h"

namespace feedmark::html {
namespace {

constexpr std::size_t kMaxDepth = 640;

// The text between tags, its references read: false if one is unsure.
bool decode(std::string_view text, ReferenceContext context, std::string& out) {
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    out.append(text.substr(0, amp));
    if (amp == std::string_view::npos) {
      break;
    }
    text.remove_prefix(amp);
    if (!take_reference(text, context, out)) {
      return false;
    }
  }
  return true;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// A tag's name: letters and digits. Others ("<x-y>", "<a\"b>") belong to
// elements gumbo does not know, or to names only its tokenizer reads.
std::string_view take_tag_name(std::string_view& html) {
  std::size_t n = 0;
  while (n < html.size() &&
         (is_alpha(html[n]) || (n > 0 && html[n] >= '0' && html[n] <= '9'))) {
    ++n;
  }
  const std::string_view name = html.substr(0, n);
  html.remove_prefix(n);
  return name;
}

// An attribute's name, in lower case as the tokenizer gives it; "" if it
// holds a character this reader leaves to gumbo ('"', "'", '<').
std::string take_attribute_name(std::string_view& html) {
  std::string name;
  std::size_t n = 0;
  for (; n < html.size(); ++n) {
    const char c = html[n];
    if (is_ascii_space(c) || c == '/' || c == '>' || c == '=') {
      break;
    }
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '-' && c != '_' &&
        c != ':' && c != '.') {
      return {};
    }
    name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  html.remove_prefix(n);
  return name;
}

std::size_t skip_spaces(std::string_view& html) {
  std::size_t n = 0;
  while (n < html.size() && is_ascii_space(html[n])) {
    ++n;
  }
  html.remove_prefix(n);
  return n;
}

bool has_attribute(const std::vector<void*>& attributes,
                   std::string_view name) {
  for (const void* a : attributes) {
    if (static_cast<const GumboAttribute*>(a)->name == name) {
      return true;
    }
  }
  return false;
}

// Where table content needs an element the tags do not spell, which the
// parser inserts ("<table><tr>" gets a <tbody>): gumbo's business.
bool needs_implied_parent(GumboTag parent, GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_TR:
      return parent != GUMBO_TAG_TBODY && parent != GUMBO_TAG_THEAD &&
             parent != GUMBO_TAG_TFOOT;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return parent != GUMBO_TAG_TR;
    case GUMBO_TAG_COL:
      return parent != GUMBO_TAG_COLGROUP;
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COLGROUP:
      return parent != GUMBO_TAG_TABLE;
    default:
      // Anything else straight inside a table part is moved out of it.
      return parent == GUMBO_TAG_TABLE || parent == GUMBO_TAG_TBODY ||
             parent == GUMBO_TAG_THEAD || parent == GUMBO_TAG_TFOOT ||
             parent == GUMBO_TAG_TR || parent == GUMBO_TAG_COLGROUP;
  }
}

bool is_table_part_container(GumboTag tag) {
  return tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_TBODY ||
         tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TFOOT ||
         tag == GUMBO_TAG_TR || tag == GUMBO_TAG_COLGROUP;
}

bool is_heading(GumboTag tag) {
  return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6;
}

// Start tags the parser treats by their own rules, or that the sanitizer
// never writes: left to gumbo wherever they appear.
bool has_own_rules(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_RB:
    case GUMBO_TAG_RT:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_RTC:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_IMAGE:
    case GUMBO_TAG_ISINDEX:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_UNKNOWN:
      return true;
    default:
      return false;
  }
}

bool is_table_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_COLGROUP:
      return true;
    default:
      return false;
  }
}

}  // namespace

// Where a start tag is not simply a child of the open element, because
// the parser closes or moves something first (HTML §13.2.6.4.7): the
// sanitizer can write such nestings when it unwraps an element that kept
// them apart ("<a><object><a>" without the object). Conservative: a rule
// that might apply is enough to leave the body to gumbo.
bool DirectTree::reparented(GumboTag tag) const {
  if (has_own_rules(tag)) {
    return true;
  }
  if (open_.empty()) {
    return is_table_tag(tag);  // a table part alone switches the mode
  }
  if (needs_implied_parent(top_tag(), tag) ||
      (is_heading(tag) && is_heading(top_tag()))) {
    return true;
  }
  const bool list_item =
      tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT;
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
    const GumboTag open = it->node->v.element.tag;
    if ((open == tag && (tag == GUMBO_TAG_A || tag == GUMBO_TAG_NOBR ||
                         tag == GUMBO_TAG_BUTTON)) ||
        (open == GUMBO_TAG_P && closes_p(tag))) {
      return true;
    }
    if (list_item) {
      if (open == GUMBO_TAG_LI || open == GUMBO_TAG_DD ||
          open == GUMBO_TAG_DT) {
        return true;
      }
      // Gumbo 0.10.1's special elements lack <main>: its search walks
      // past one ("<li><main><li>" closes the outer <li>).
      if (is_special(open) && open != GUMBO_TAG_ADDRESS &&
          open != GUMBO_TAG_DIV && open != GUMBO_TAG_P &&
          open != GUMBO_TAG_MAIN) {
        break;
      }
    }
  }
  return false;
}

GumboTag DirectTree::top_tag() const {
  return open_.back().node->v.element.tag;
}

// A zeroed C struct of gumbo's (every field, the whole union too).
template <class T>
T* DirectTree::make() {
  void* p = arena_.allocate(sizeof(T));
  std::memset(p, 0, sizeof(T));
  return static_cast<T*>(p);
}

// The items from `first` on, moved into the arena as a GumboVector.
GumboVector DirectTree::vector_from(std::size_t first,
                                    std::vector<void*>& items) {
  const std::size_t n = items.size() - first;
  void** data = nullptr;
  if (n > 0) {
    data = static_cast<void**>(arena_.allocate(n * sizeof(void*)));
    std::copy(items.begin() + static_cast<std::ptrdiff_t>(first), items.end(),
              data);
  }
  items.resize(first);
  return {data, static_cast<unsigned>(n), static_cast<unsigned>(n)};
}

GumboNode* DirectTree::add_node(GumboNodeType type) {
  GumboNode* node = make<GumboNode>();
  node->type = type;
  node->parent = open_.empty() ? nullptr : open_.back().node;
  node->index_within_parent =
      children_.size() - (open_.empty() ? 0 : open_.back().first_child);
  children_.push_back(node);
  return node;
}

const char* DirectTree::keep(std::string_view text) {
  char* copy = static_cast<char*>(arena_.allocate(text.size() + 1));
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

void DirectTree::close_top(std::string_view end_tag) {
  GumboNode* node = open_.back().node;
  node->v.element.children = vector_from(open_.back().first_child, children_);
  node->v.element.original_end_tag = {end_tag.data(), end_tag.size()};
  open_.pop_back();
}

bool DirectTree::add_text(std::string_view text) {
  if (gumbo_would_change(text)) {
    return false;
  }
  // As the HTML parser does, a newline right after <pre> is not content.
  if (!open_.empty() && children_.size() == open_.back().first_child &&
      (top_tag() == GUMBO_TAG_PRE || top_tag() == GUMBO_TAG_LISTING) &&
      text.starts_with('\n')) {
    text.remove_prefix(1);
  }
  if (text.empty()) {
    return true;
  }
  const bool blank = only_whitespace(text);
  if (!blank && !open_.empty() && is_table_part_container(top_tag())) {
    return false;  // the parser would move it out of the table
  }
  GumboNode* node = add_node(blank ? GUMBO_NODE_WHITESPACE : GUMBO_NODE_TEXT);
  node->v.text.text = keep(text);
  return true;
}

// Text up to the next tag or comment. A '<' that starts neither ("a < b",
// "<3") is text, as the tokenizer reads it. A reference never reaches past
// a '<': "&amp<b>" is left to gumbo, like any "&amp" without ';'.
bool DirectTree::read_text(std::string_view& html) {
  std::string& text = scratch_;  // its capacity kept from text to text
  text.clear();
  while (!html.empty()) {
    const std::string_view run = html.substr(0, html.find('<'));
    if (!decode(run, ReferenceContext::kText, text)) {
      return false;
    }
    html.remove_prefix(run.size());
    if (html.empty() ||
        (html.size() > 1 && (is_alpha(html[1]) || html[1] == '/' ||
                             html[1] == '!' || html[1] == '?'))) {
      break;
    }
    text += '<';
    html.remove_prefix(1);
  }
  return add_text(text);
}

// "<!--…-->" with nothing the comment states read their own way: "<!-->",
// "--" before the end, "--!>".
bool DirectTree::read_comment(std::string_view& html) {
  std::string_view rest = html.substr(4);  // "<!--"
  const std::size_t end = rest.find("--");
  if (rest.starts_with('>') || rest.starts_with("->") ||
      end == std::string_view::npos || rest.substr(end, 3) != "-->") {
    return false;
  }
  const std::string_view content = rest.substr(0, end);
  if (gumbo_would_change(content)) {
    return false;
  }
  GumboNode* node = add_node(GUMBO_NODE_COMMENT);
  node->v.text.text = keep(content);
  html.remove_prefix(4 + end + 3);
  return true;
}

// Attributes up to and with the tag's '>' ("/>" sets self_closing_).
// Double-quoted, single-quoted, unquoted and bare; each name once.
bool DirectTree::read_attributes(std::string_view& html) {
  bool needs_space = false;  // after a quoted value: "a='1'b='2'"
  self_closing_ = false;
  while (true) {
    const std::size_t spaces = skip_spaces(html);
    if (html.empty()) {
      return false;
    }
    if (html.front() == '>' || html.starts_with("/>")) {
      self_closing_ = html.front() == '/';
      html.remove_prefix(self_closing_ ? 2 : 1);
      return true;
    }
    if (needs_space && spaces == 0) {
      return false;
    }
    std::string name = take_attribute_name(html);
    if (name.empty() || has_attribute(attributes_, name)) {
      return false;
    }
    std::string& value = scratch_;
    value.clear();
    needs_space = false;
    std::string_view probe = html;
    skip_spaces(probe);
    if (probe.starts_with('=')) {
      probe.remove_prefix(1);
      skip_spaces(probe);
      html = probe;
      if (html.empty() || html.front() == '>') {
        return false;
      }
      std::string_view raw;
      if (html.front() == '"' || html.front() == '\'') {
        const std::size_t close = html.find(html.front(), 1);
        if (close == std::string_view::npos) {
          return false;
        }
        raw = html.substr(1, close - 1);
        html.remove_prefix(close + 1);
        needs_space = true;
      } else {
        std::size_t n = 0;
        while (n < html.size() && !is_ascii_space(html[n]) && html[n] != '>') {
          ++n;
        }
        raw = html.substr(0, n);
        html.remove_prefix(n);
        if (raw.find_first_of("\"'<=`") != std::string_view::npos) {
          return false;
        }
      }
      if (!decode(raw, ReferenceContext::kAttribute, value) ||
          gumbo_would_change(value)) {
        return false;
      }
    }
    GumboAttribute& a = *make<GumboAttribute>();
    a.attr_namespace = GUMBO_ATTR_NAMESPACE_NONE;
    a.name = keep(name);
    a.value = keep(value);
    attributes_.push_back(&a);
  }
}

bool DirectTree::read_start_tag(std::string_view& html) {
  const char* start = html.data();
  html.remove_prefix(1);  // '<'
  const std::string_view name = take_tag_name(html);
  if (html.empty() || !(is_ascii_space(html.front()) || html.front() == '/' ||
                        html.front() == '>')) {
    return false;
  }
  const GumboTag tag =
      gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
  if (open_.size() >= kMaxDepth || reparented(tag)) {
    return false;
  }
  attributes_.clear();
  if (!read_attributes(html)) {
    return false;
  }
  GumboNode* node = add_node(GUMBO_NODE_ELEMENT);
  node->v.element.tag = tag;
  node->v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
  node->v.element.attributes = vector_from(0, attributes_);
  node->v.element.original_tag = {start,
                                  static_cast<size_t>(html.data() - start)};
  if (is_void(tag)) {
    return true;
  }
  if (self_closing_) {
    return false;  // "<div/>" opens a div that the parser closes later
  }
  open_.push_back({node, children_.size()});
  if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE) {
    return read_raw_text(html, tag);
  }
  return true;
}

// A <script>'s or <style>'s content, up to its end tag, as it is. Left to
// gumbo: "<!--" inside (script's escape states), an end tag with spaces.
bool DirectTree::read_raw_text(std::string_view& html, GumboTag tag) {
  const std::string_view name = gumbo_normalized_tagname(tag);
  for (std::size_t at = html.find("</"); at != std::string_view::npos;
       at = html.find("</", at + 2)) {
    const std::string_view after = html.substr(at + 2);
    if (after.size() <= name.size() ||
        !iequals(after.substr(0, name.size()), name)) {
      continue;
    }
    const char next = after[name.size()];
    if (next != '>') {
      if (is_ascii_space(next) || next == '/') {
        return false;
      }
      continue;  // "</scripts": text
    }
    const std::string_view content = html.substr(0, at);
    if (content.find("<!--") != std::string_view::npos || !add_text(content)) {
      return false;
    }
    html.remove_prefix(at);
    return read_end_tag(html);
  }
  return false;
}

bool DirectTree::read_end_tag(std::string_view& html) {
  const char* start = html.data();
  html.remove_prefix(2);  // "</"
  const std::string_view name = take_tag_name(html);
  if (open_.empty() || !html.starts_with('>') || name.empty() ||
      gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size())) !=
          top_tag()) {
    return false;
  }
  html.remove_prefix(1);
  close_top({start, static_cast<size_t>(html.data() - start)});
  return true;
}

bool DirectTree::read(std::string_view html) {
  while (!html.empty()) {
    bool ok = true;
    if (html.front() != '<') {
      ok = read_text(html);
    } else if (html.starts_with("</")) {
      ok = read_end_tag(html);
    } else if (html.starts_with("<!--")) {
      ok = read_comment(html);
    } else if (html.size() > 1 && is_alpha(html[1])) {
      ok = read_start_tag(html);
    } else if (html.size() > 1 && (html[1] == '!' || html[1] == '?')) {
      ok = false;  // a doctype, a processing instruction: bogus comments
    } else {
      ok = read_text(html);  // "<" then a space, a digit, the end
    }
    if (!ok) {
      return false;
    }
  }
  if (!open_.empty()) {
    return false;
  }
  root_ = vector_from(0, children_);
  return true;
}

}  // namespace feedmark::html
