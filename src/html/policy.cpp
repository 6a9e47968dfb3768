#include "feedmark/html/policy.h"

#include <array>

#include "feedmark/html/fragment.h"
#include "feedmark/util/text.h"

namespace feedmark::html {

// The allowlist is feedparser's (its _HTMLSanitizer: acceptable elements and
// attributes, CSS properties and keywords, SVG and MathML), re-expressed
// here, with the SPEC's stricter rules where they differ: forms and their
// controls go, an <iframe> becomes a link, and every URL must be a safe
// http(s) one.

// <noscript> is unwrapped: a browser running scripts reads its content as
// text, not as elements, so a kept one would show "<img src=…>" as words.
struct TagPolicy {
  Treatment treatment = Treatment::kUnwrap;  // <form>, <object>, unknown tags
  bool block = false;
};

using PolicyTable = std::array<TagPolicy, GUMBO_TAG_LAST + 1>;

PolicyTable make_policy_table() {
  PolicyTable table{};
  for (GumboTag tag : {GUMBO_TAG_A,      GUMBO_TAG_ABBR,     GUMBO_TAG_ACRONYM,
                       GUMBO_TAG_AREA,   GUMBO_TAG_AUDIO,    GUMBO_TAG_B,
                       GUMBO_TAG_BDI,    GUMBO_TAG_BDO,      GUMBO_TAG_BIG,
                       GUMBO_TAG_CANVAS, GUMBO_TAG_CITE,     GUMBO_TAG_CODE,
                       GUMBO_TAG_DEL,    GUMBO_TAG_DFN,      GUMBO_TAG_EM,
                       GUMBO_TAG_FONT,   GUMBO_TAG_I,        GUMBO_TAG_IMG,
                       GUMBO_TAG_INS,    GUMBO_TAG_KBD,      GUMBO_TAG_LABEL,
                       GUMBO_TAG_MAP,    GUMBO_TAG_MARK,     GUMBO_TAG_METER,
                       GUMBO_TAG_NEXTID, GUMBO_TAG_PROGRESS, GUMBO_TAG_Q,
                       GUMBO_TAG_RP,     GUMBO_TAG_RT,       GUMBO_TAG_RUBY,
                       GUMBO_TAG_S,      GUMBO_TAG_SAMP,     GUMBO_TAG_SMALL,
                       GUMBO_TAG_SOURCE, GUMBO_TAG_SPACER,   GUMBO_TAG_SPAN,
                       GUMBO_TAG_STRIKE, GUMBO_TAG_STRONG,   GUMBO_TAG_SUB,
                       GUMBO_TAG_SUP,    GUMBO_TAG_TIME,     GUMBO_TAG_TRACK,
                       GUMBO_TAG_TT,     GUMBO_TAG_U,        GUMBO_TAG_VAR,
                       GUMBO_TAG_VIDEO,  GUMBO_TAG_WBR}) {
    table[tag] = {Treatment::kKeep, false};
  }
  for (GumboTag tag :
       {GUMBO_TAG_ADDRESS,    GUMBO_TAG_ARTICLE,    GUMBO_TAG_ASIDE,
        GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BR,         GUMBO_TAG_CAPTION,
        GUMBO_TAG_CENTER,     GUMBO_TAG_COL,        GUMBO_TAG_COLGROUP,
        GUMBO_TAG_DD,         GUMBO_TAG_DETAILS,    GUMBO_TAG_DIR,
        GUMBO_TAG_DIV,        GUMBO_TAG_DL,         GUMBO_TAG_DT,
        GUMBO_TAG_FIELDSET,   GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,
        GUMBO_TAG_FOOTER,     GUMBO_TAG_H1,         GUMBO_TAG_H2,
        GUMBO_TAG_H3,         GUMBO_TAG_H4,         GUMBO_TAG_H5,
        GUMBO_TAG_H6,         GUMBO_TAG_HEADER,     GUMBO_TAG_HR,
        GUMBO_TAG_LEGEND,     GUMBO_TAG_LI,         GUMBO_TAG_MAIN,
        GUMBO_TAG_MENU,       GUMBO_TAG_MULTICOL,   GUMBO_TAG_NAV,
        GUMBO_TAG_OL,         GUMBO_TAG_P,          GUMBO_TAG_PRE,
        GUMBO_TAG_SECTION,    GUMBO_TAG_SUMMARY,    GUMBO_TAG_TABLE,
        GUMBO_TAG_TBODY,      GUMBO_TAG_TD,         GUMBO_TAG_TFOOT,
        GUMBO_TAG_TH,         GUMBO_TAG_THEAD,      GUMBO_TAG_TR,
        GUMBO_TAG_UL}) {
    table[tag] = {Treatment::kKeep, true};
  }
  // Dropped with their content: what runs, styles, asks for input (the
  // SPEC's forms rule, stricter than feedparser), or loads a plugin.
  for (GumboTag tag :
       {GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,     GUMBO_TAG_TEMPLATE,
        GUMBO_TAG_TITLE,    GUMBO_TAG_HEAD,      GUMBO_TAG_META,
        GUMBO_TAG_LINK,     GUMBO_TAG_BASE,      GUMBO_TAG_EMBED,
        GUMBO_TAG_APPLET,   GUMBO_TAG_FRAME,     GUMBO_TAG_FRAMESET,
        GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES,  GUMBO_TAG_SELECT,
        GUMBO_TAG_TEXTAREA, GUMBO_TAG_BUTTON,    GUMBO_TAG_INPUT,
        GUMBO_TAG_OPTION,   GUMBO_TAG_OPTGROUP,  GUMBO_TAG_DATALIST,
        GUMBO_TAG_OUTPUT,   GUMBO_TAG_KEYGEN,    GUMBO_TAG_PARAM,
        GUMBO_TAG_XMP,      GUMBO_TAG_PLAINTEXT, GUMBO_TAG_MENUITEM,
        GUMBO_TAG_ISINDEX,  GUMBO_TAG_BGSOUND}) {
    table[tag].treatment = Treatment::kDrop;
  }
  table[GUMBO_TAG_IFRAME].treatment = Treatment::kLink;
  return table;
}

const TagPolicy& policy_of(GumboTag tag) {
  static const PolicyTable table = make_policy_table();
  return table[tag <= GUMBO_TAG_LAST ? tag : GUMBO_TAG_UNKNOWN];
}

bool is_block(GumboTag tag) {
  return policy_of(tag).block;
}

NameSet words(std::string_view list) {
  NameSet set;
  for (std::size_t i = 0; i < list.size();) {
    const std::size_t end = std::min(list.find(' ', i), list.size());
    set.emplace(list.substr(i, end - i));
    i = end + 1;
  }
  return set;
}

bool contains(const NameSet& set, std::string_view name) {
  return set.find(name) != set.end();
}

// Elements of feedparser's list that gumbo has no tag for.
const NameSet kUnknownHtmlKept =
    words("command datagrid dialog event-source m sound");

// SVG Tiny's elements, plus foreignObject and gradients (feedparser's list).
const NameSet kSvgElements = words(
    "a animate animateColor animateMotion animateTransform circle defs desc "
    "ellipse font-face font-face-name font-face-src foreignObject g glyph "
    "hkern line linearGradient marker metadata missing-glyph mpath path "
    "polygon polyline radialGradient rect set stop svg switch text title tspan "
    "use");

const NameSet kSvgAnimations =
    words("animate animateColor animateMotion animateTransform set");

// SVG elements dropped with their content rather than unwrapped: they run
// script, load resources, or hold shapes that are not drawn where they stand.
const NameSet kSvgDropped = words(
    "script style handler listener iframe image feImage clipPath mask pattern "
    "symbol filter cursor video audio canvas discard animation");

const NameSet kMathElements = words(
    "annotation annotation-xml maction maligngroup malignmark math menclose "
    "merror mfenced mfrac mglyph mi mlabeledtr mlongdiv mmultiscripts mn mo "
    "mover mpadded mphantom mprescripts mroot mrow ms mscarries mscarry "
    "msgroup msline mspace msqrt msrow mstack mstyle msub msubsup msup mtable "
    "mtd mtext mtr munder munderover none semantics");

// The tag name as the source wrote it, in lower case: "event-source",
// "lineargradient"; "" for an element the parser made up.
std::string source_tag_name(const GumboNode* node) {
  GumboStringPiece piece = node->v.element.original_tag;
  if (piece.data == nullptr || piece.length < 2) {
    return {};
  }
  gumbo_tag_from_original_text(&piece);
  return ascii_lowercase(std::string_view(piece.data, piece.length));
}

/// The name an element is written with: "span", "event-source", and SVG's
/// camel case ("linearGradient"), which the HTML parser lower-cased.
std::string element_name(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  std::string name = e.tag != GUMBO_TAG_UNKNOWN
                         ? std::string(gumbo_normalized_tagname(e.tag))
                         : source_tag_name(node);
  if (e.tag_namespace == GUMBO_NAMESPACE_SVG) {
    const GumboStringPiece piece{name.data(), name.size()};
    if (const char* camel = gumbo_normalize_svg_tagname(&piece)) {
      name = camel;
    }
  }
  return name;
}

bool is_foreign(const GumboNode* node) {
  return node->v.element.tag_namespace != GUMBO_NAMESPACE_HTML;
}

Treatment foreign_treatment(const GumboNode* node, const std::string& name) {
  if (node->v.element.tag_namespace == GUMBO_NAMESPACE_SVG) {
    if (contains(kSvgElements, name)) {
      return contains(kSvgAnimations, name) && !animates_safe_attribute(node)
                 ? Treatment::kDrop
                 : Treatment::kKeep;
    }
    return contains(kSvgDropped, name) ? Treatment::kDrop : Treatment::kUnwrap;
  }
  if (contains(kMathElements, name)) {
    return Treatment::kKeep;
  }
  return name == "script" || name == "style" ? Treatment::kDrop
                                             : Treatment::kUnwrap;
}

Treatment treatment_of(const GumboNode* node) {
  const GumboElement& e = node->v.element;
  if (is_foreign(node)) {
    return foreign_treatment(node, element_name(node));
  }
  if (e.tag == GUMBO_TAG_UNKNOWN) {
    return contains(kUnknownHtmlKept, source_tag_name(node))
               ? Treatment::kKeep
               : Treatment::kUnwrap;
  }
  return policy_of(e.tag).treatment;
}

}  // namespace feedmark::html
