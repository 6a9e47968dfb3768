#include "write/sanitized_tree.h"

#include "feedmark/html/tags.h"

namespace feedmark::markdown {
namespace {

constexpr std::size_t kMaxDepth = 640;

GumboVector vector_of(std::vector<void*>& items) {
  return {items.data(), static_cast<unsigned>(items.size()),
          static_cast<unsigned>(items.size())};
}

// The escapes append_html_escaped writes, and the sanitizer's "&#10;".
bool unescape(std::string_view text, std::string& out) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'},
      {"&lt;", '<'},
      {"&gt;", '>'},
      {"&quot;", '"'},
      {"&#10;", '\n'}};
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t amp = text.find('&', i);
    out.append(text.substr(i, amp - i));
    if (amp == std::string_view::npos) {
      break;
    }
    bool known = false;
    for (const auto& [entity, c] : kEntities) {
      if (text.substr(amp).starts_with(entity)) {
        out += c;
        i = amp + entity.size();
        known = true;
        break;
      }
    }
    if (!known) {
      return false;
    }
  }
  return true;
}

// Characters gumbo's input stream changes: CR (to LF), NUL, and the code
// points it replaces with U+FFFD (C0 controls but tab, LF and FF; DEL and
// the C1 controls; U+FDD0-U+FDEF; U+xFFFE and U+xFFFF). Text holding one is
// left to gumbo. Checked on bytes: a lead byte and its next ones.
bool gumbo_would_change(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = s[i];
    if (c < 0x20) {
      if (c != '\t' && c != '\n' && c != '\f') {
        return true;
      }
    } else if (c == 0x7F) {
      return true;
    } else if (c == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
      return true;
    } else if (c == 0xEF && i + 2 < n &&
               ((s[i + 1] == 0xB7 && s[i + 2] >= 0x90 && s[i + 2] <= 0xAF) ||
                (s[i + 1] == 0xBF && s[i + 2] >= 0xBE))) {
      return true;
    } else if (c >= 0xF0 && i + 3 < n && s[i + 2] == 0xBF && s[i + 3] >= 0xBE) {
      return true;
    }
  }
  return false;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == ':' || (c >= 'A' && c <= 'Z');
}

std::string_view take_name(std::string_view& html) {
  std::size_t n = 0;
  while (n < html.size() && is_name_char(html[n])) {
    ++n;
  }
  const std::string_view name = html.substr(0, n);
  html.remove_prefix(n);
  return name;
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
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
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
bool SanitizedTree::reparented(GumboTag tag) const {
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
      if (is_special(open) && open != GUMBO_TAG_ADDRESS &&
          open != GUMBO_TAG_DIV && open != GUMBO_TAG_P) {
        break;
      }
    }
  }
  return false;
}

GumboTag SanitizedTree::top_tag() const {
  return open_.back().node->v.element.tag;
}

GumboNode* SanitizedTree::add_node(GumboNodeType type) {
  GumboNode& node = nodes_.emplace_back();
  node = GumboNode{};
  node.type = type;
  std::vector<void*>& siblings =
      open_.empty() ? vectors_.front() : *open_.back().children;
  node.parent = open_.empty() ? nullptr : open_.back().node;
  node.index_within_parent = siblings.size();
  siblings.push_back(&node);
  return &node;
}

const char* SanitizedTree::keep(std::string text) {
  return strings_.emplace_back(std::move(text)).c_str();
}

void SanitizedTree::close_top() {
  GumboNode* node = open_.back().node;
  node->v.element.children = vector_of(*open_.back().children);
  open_.pop_back();
}

bool SanitizedTree::read_text(std::string_view& html) {
  const std::size_t end = html.find('<');
  std::string text;
  if (!unescape(html.substr(0, end), text) || gumbo_would_change(text)) {
    return false;
  }
  html.remove_prefix(end == std::string_view::npos ? html.size() : end);
  // As the HTML parser does, a newline right after <pre> is not content.
  if (!open_.empty() && open_.back().children->empty() &&
      (open_.back().node->v.element.tag == GUMBO_TAG_PRE ||
       open_.back().node->v.element.tag == GUMBO_TAG_LISTING) &&
      text.starts_with('\n')) {
    text.erase(0, 1);
  }
  if (text.empty()) {
    return true;
  }
  const bool blank = text.find_first_not_of(" \t\n\r\f") == std::string::npos;
  if (!blank && !open_.empty() && is_table_part_container(top_tag())) {
    return false;  // the parser would move it out of the table
  }
  GumboNode* node = add_node(blank ? GUMBO_NODE_WHITESPACE : GUMBO_NODE_TEXT);
  node->v.text.text = keep(std::move(text));
  return true;
}

bool SanitizedTree::read_start_tag(std::string_view& html) {
  html.remove_prefix(1);  // '<'
  const std::string_view name = take_name(html);
  const GumboTag tag =
      gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
  if (open_.size() >= kMaxDepth || reparented(tag)) {
    return false;
  }
  std::vector<void*>& attributes = vectors_.emplace_back();
  while (html.starts_with(' ') && html.size() > 1 && html[1] != '/') {
    html.remove_prefix(1);
    const std::string_view attr = take_name(html);
    if (attr.empty() || !html.starts_with("=\"")) {
      return false;
    }
    html.remove_prefix(2);
    const std::size_t close = html.find('"');
    std::string value;
    if (close == std::string_view::npos ||
        !unescape(html.substr(0, close), value) || gumbo_would_change(value)) {
      return false;
    }
    html.remove_prefix(close + 1);
    GumboAttribute& a = attributes_.emplace_back();
    a = GumboAttribute{};
    a.name = keep(std::string(attr));
    a.value = keep(std::move(value));
    attributes.push_back(&a);
  }
  GumboNode* node = add_node(GUMBO_NODE_ELEMENT);
  node->v.element.tag = tag;
  node->v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
  node->v.element.attributes = vector_of(attributes);
  if (html.starts_with(" />")) {
    html.remove_prefix(3);
    return is_void(tag);
  }
  if (!html.starts_with('>') || is_void(tag)) {
    return false;
  }
  html.remove_prefix(1);
  open_.push_back({node, &vectors_.emplace_back()});
  return true;
}

bool SanitizedTree::read_end_tag(std::string_view& html) {
  html.remove_prefix(2);  // "</"
  const std::string_view name = take_name(html);
  if (open_.empty() || !html.starts_with('>') ||
      gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size())) !=
          open_.back().node->v.element.tag) {
    return false;
  }
  html.remove_prefix(1);
  close_top();
  return true;
}

bool SanitizedTree::read(std::string_view html) {
  vectors_.emplace_back();  // the top level's
  while (!html.empty()) {
    bool ok = true;
    if (html.front() != '<') {
      ok = read_text(html);
    } else if (html.starts_with("</")) {
      ok = read_end_tag(html);
    } else if (html.size() > 1 && is_name_char(html[1])) {
      ok = read_start_tag(html);
    } else {
      ok = false;  // a comment, a doctype: not the sanitizer's
    }
    if (!ok) {
      return false;
    }
  }
  if (!open_.empty()) {
    return false;
  }
  root_ = vector_of(vectors_.front());
  return true;
}

}  // namespace feedmark::markdown
