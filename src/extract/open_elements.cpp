#include "open_elements.h"

#include <string_view>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"
#include "feedmark/html/tags.h"
#include "feedmark/util/text.h"

namespace feedmark::html {
namespace {

// HTML §13.2.6.5: in SVG or MathML (outside an integration point) these
// start tags end the foreign content: "<svg><p>" is an SVG, then a <p>.
bool breaks_out_of_foreign(const GumboNode* node) {
  switch (node->v.element.tag) {
    case GUMBO_TAG_B:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_I:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_META:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_RUBY:
    case GUMBO_TAG_S:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_U:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_VAR:
      return true;
    case GUMBO_TAG_FONT:
      return gumbo_get_attribute(&node->v.element.attributes, "color") ||
             gumbo_get_attribute(&node->v.element.attributes, "face") ||
             gumbo_get_attribute(&node->v.element.attributes, "size");
    default:
      return false;
  }
}

bool is_mathml_text_point(GumboTag tag) {
  return tag == GUMBO_TAG_MI || tag == GUMBO_TAG_MO || tag == GUMBO_TAG_MN ||
         tag == GUMBO_TAG_MS || tag == GUMBO_TAG_MTEXT;
}

bool is_svg_html_point(GumboTag tag) {
  return tag == GUMBO_TAG_FOREIGNOBJECT || tag == GUMBO_TAG_DESC ||
         tag == GUMBO_TAG_TITLE;
}

// Where HTML's rules apply again inside SVG or MathML (§13.2.6: HTML and
// MathML text integration points).
bool follows_html_rules(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  switch (e.tag_namespace) {
    case GUMBO_NAMESPACE_HTML:
      return true;
    case GUMBO_NAMESPACE_SVG:
      return is_svg_html_point(e.tag);
    case GUMBO_NAMESPACE_MATHML:
      if (e.tag == GUMBO_TAG_ANNOTATION_XML) {
        const std::string encoding =
            ascii_lowercase(attribute(node, "encoding"));
        return encoding == "text/html" || encoding == "application/xhtml+xml";
      }
      return is_mathml_text_point(e.tag);
  }
  return false;
}

bool is_heading(GumboTag tag) {
  return tag >= GUMBO_TAG_H1 && tag <= GUMBO_TAG_H6;
}

// Table parts, which the parser ignores outside their table (in a cell or
// a caption they close it first).
bool is_table_structure(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COL:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return true;
    default:
      return false;
  }
}

// "Generate implied end tags" (§13.2.6.3): what a <rt> or <rb> pops.
bool has_implied_end_tag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_P:
    case GUMBO_TAG_RB:
    case GUMBO_TAG_RP:
    case GUMBO_TAG_RT:
    case GUMBO_TAG_RTC:
      return true;
    default:
      return false;
  }
}

}  // namespace

void OpenElements::push(const GumboNode* node) {
  open_.push_back({node->v.element.tag, node->v.element.tag_namespace,
                   follows_html_rules(node)});
}

void OpenElements::push_html(GumboTag tag) {
  open_.push_back({tag, GUMBO_NAMESPACE_HTML, true});
}

bool OpenElements::takes(const GumboNode* node) const {
  const GumboElement& e = node->v.element;
  if (!open_.empty() && !open_.back().html_rules) {
    // Foreign content: an element of the same namespace, unless its name
    // ends the foreign content; <svg> in MathML's <annotation-xml>.
    const Open& current = open_.back();
    if (breaks_out_of_foreign(node)) {
      return false;
    }
    if (current.ns == GUMBO_NAMESPACE_MATHML &&
        current.tag == GUMBO_TAG_ANNOTATION_XML &&
        e.tag_namespace == GUMBO_NAMESPACE_SVG) {
      return e.tag == GUMBO_TAG_SVG;
    }
    return e.tag_namespace == current.ns;
  }
  switch (e.tag_namespace) {
    case GUMBO_NAMESPACE_SVG:
      return e.tag == GUMBO_TAG_SVG;
    case GUMBO_NAMESPACE_MATHML:
      // <mglyph> and <malignmark> stay MathML in a MathML text point.
      if (!open_.empty() && open_.back().ns == GUMBO_NAMESPACE_MATHML &&
          is_mathml_text_point(open_.back().tag) &&
          (e.tag == GUMBO_TAG_MGLYPH || e.tag == GUMBO_TAG_MALIGNMARK)) {
        return true;
      }
      return e.tag == GUMBO_TAG_MATH;
    case GUMBO_NAMESPACE_HTML:
      break;
  }
  return takes_html(e.tag);
}

bool OpenElements::takes_html(GumboTag tag) const {
  if (!open_.empty() && !open_.back().html_rules) {
    return false;
  }
  if (!open_.empty() && open_.back().ns == GUMBO_NAMESPACE_HTML) {
    // A table and its sections hold only their parts (§13.2.6.4.9–14).
    switch (open_.back().tag) {
      case GUMBO_TAG_TABLE:
        return tag == GUMBO_TAG_CAPTION || tag == GUMBO_TAG_COLGROUP ||
               tag == GUMBO_TAG_THEAD || tag == GUMBO_TAG_TBODY ||
               tag == GUMBO_TAG_TFOOT;
      case GUMBO_TAG_THEAD:
      case GUMBO_TAG_TBODY:
      case GUMBO_TAG_TFOOT:
        return tag == GUMBO_TAG_TR;
      case GUMBO_TAG_TR:
        return tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH;
      case GUMBO_TAG_COLGROUP:
        return tag == GUMBO_TAG_COL;
      default:
        break;
    }
  }
  return takes_in_body(tag);
}

std::vector<GumboTag> OpenElements::wrappers_for(const GumboNode* node) const {
  const GumboElement& e = node->v.element;
  if (e.tag_namespace != GUMBO_NAMESPACE_HTML || !is_table_structure(e.tag) ||
      takes(node)) {
    return {};
  }
  std::vector<GumboTag> chain;
  switch (e.tag) {
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      chain = {GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_TR};
      break;
    case GUMBO_TAG_TR:
      chain = {GUMBO_TAG_TABLE, GUMBO_TAG_TBODY};
      break;
    case GUMBO_TAG_COL:
      chain = {GUMBO_TAG_TABLE, GUMBO_TAG_COLGROUP};
      break;
    default:
      chain = {GUMBO_TAG_TABLE};
      break;
  }
  // The shortest tail of the chain that can start here: a <tr> in a
  // <table> needs only its <tbody>.
  for (std::size_t k = chain.size(); k-- > 0;) {
    if (takes_html(chain[k])) {
      return {chain.begin() + static_cast<std::ptrdiff_t>(k), chain.end()};
    }
  }
  return {};
}

// "In body" (§13.2.6.4.7): the start tags that close or move something.
bool OpenElements::takes_in_body(GumboTag tag) const {
  if (is_table_structure(tag)) {
    return false;
  }
  if (tag == GUMBO_TAG_A && link_open()) {
    return false;  // the parser closes the open link first
  }
  if (tag == GUMBO_TAG_NOBR && in_scope(GUMBO_TAG_NOBR, false)) {
    return false;
  }
  if (is_heading(tag) && !open_.empty() &&
      open_.back().ns == GUMBO_NAMESPACE_HTML && is_heading(open_.back().tag)) {
    return false;
  }
  if ((tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT) &&
      closes_open_item(tag)) {
    return false;
  }
  if (closes_p(tag) && in_scope(GUMBO_TAG_P, true)) {
    return false;
  }
  return !pops_for_ruby(tag);
}

bool OpenElements::takes_text() const {
  if (open_.empty() || open_.back().ns != GUMBO_NAMESPACE_HTML) {
    return true;
  }
  switch (open_.back().tag) {
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_COLGROUP:
      return false;
    default:
      return true;
  }
}

// §13.2.4.2, "has an element in scope" and "in button scope".
bool OpenElements::in_scope(GumboTag tag, bool button_scope) const {
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
    if (it->ns == GUMBO_NAMESPACE_HTML) {
      if (it->tag == tag) {
        return true;
      }
      switch (it->tag) {
        case GUMBO_TAG_APPLET:
        case GUMBO_TAG_CAPTION:
        case GUMBO_TAG_HTML:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_TD:
        case GUMBO_TAG_TH:
        case GUMBO_TAG_MARQUEE:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_TEMPLATE:
          return false;
        case GUMBO_TAG_BUTTON:
          if (button_scope) {
            return false;
          }
          break;
        default:
          break;
      }
    } else if (it->html_rules) {
      return false;  // SVG's foreignObject, desc, title; MathML's mi…
    }
  }
  return false;
}

// An <a> in the list of active formatting elements: open, and no cell,
// caption or object (a marker) opened since.
bool OpenElements::link_open() const {
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
    if (it->ns != GUMBO_NAMESPACE_HTML) {
      continue;
    }
    switch (it->tag) {
      case GUMBO_TAG_A:
        return true;
      case GUMBO_TAG_TD:
      case GUMBO_TAG_TH:
      case GUMBO_TAG_CAPTION:
      case GUMBO_TAG_APPLET:
      case GUMBO_TAG_OBJECT:
      case GUMBO_TAG_MARQUEE:
      case GUMBO_TAG_TEMPLATE:
        return false;
      default:
        break;
    }
  }
  return false;
}

// An <li> closes the open <li> it finds before any special element other
// than <address>, <div> and <p>; a <dd> or <dt> closes a <dd> or <dt>.
bool OpenElements::closes_open_item(GumboTag tag) const {
  for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
    if (it->ns == GUMBO_NAMESPACE_HTML) {
      const bool item = tag == GUMBO_TAG_LI ? it->tag == GUMBO_TAG_LI
                                            : it->tag == GUMBO_TAG_DD ||
                                                  it->tag == GUMBO_TAG_DT;
      if (item) {
        return true;
      }
      if (is_special(it->tag) && it->tag != GUMBO_TAG_ADDRESS &&
          it->tag != GUMBO_TAG_DIV && it->tag != GUMBO_TAG_P) {
        return false;
      }
    } else if (it->html_rules) {
      return false;  // special in SVG and MathML
    }
  }
  return false;
}

// <rb>, <rtc>, <rp> and <rt> in a <ruby> first close an open <p>, <li>…
bool OpenElements::pops_for_ruby(GumboTag tag) const {
  if (tag != GUMBO_TAG_RB && tag != GUMBO_TAG_RTC && tag != GUMBO_TAG_RP &&
      tag != GUMBO_TAG_RT) {
    return false;
  }
  if (open_.empty() || open_.back().ns != GUMBO_NAMESPACE_HTML ||
      !in_scope(GUMBO_TAG_RUBY, false)) {
    return false;
  }
  const GumboTag current = open_.back().tag;
  const bool keeps_rtc = tag == GUMBO_TAG_RP || tag == GUMBO_TAG_RT;
  return has_implied_end_tag(current) &&
         !(keeps_rtc && current == GUMBO_TAG_RTC);
}

namespace {

bool holds_block(const GumboVector& nodes, int depth) {
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* n = child(nodes, i);
    if (!is_element(n)) {
      continue;
    }
    const Treatment treatment = treatment_of(n);
    if (treatment == Treatment::kDrop || depth >= kMaxDepth) {
      continue;
    }
    if (n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML &&
        treatment == Treatment::kKeep && closes_p(n->v.element.tag)) {
      return true;
    }
    if (holds_block(n->v.element.children, depth + 1)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool paragraph_holds_block(const GumboNode* p) {
  return holds_block(p->v.element.children, 0);
}

}  // namespace feedmark::html
