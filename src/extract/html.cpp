#include "feedmark/extract/html.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "feedmark/extract/css.h"
#include "feedmark/html/tags.h"
#include "feedmark/util/arena.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "html/guard.h"

namespace feedmark {
namespace {

// ---------------------------------------------------------------- parsing

// One arena per thread: items are spread over threads, and each parse
// releases everything gumbo allocated at once.
thread_local Arena tls_arena;

void* arena_allocate(void* arena, size_t size) {
  return static_cast<Arena*>(arena)->allocate(size);
}
void arena_free(void*, void*) {}

// A CDATA section means nothing in HTML: the parser would take
// "<![CDATA[" for a comment that ends at the first ">" and hide the markup
// after it. Like feedparser, show the marker as text and parse what it
// wraps: "<![CDATA[<script>…</script>]]>" keeps no script either way.
std::string_view without_cdata_markers(std::string_view html,
                                       std::string& storage) {
  constexpr std::string_view kMarker = "<![CDATA[";
  std::size_t at = html.find(kMarker);
  if (at == std::string_view::npos) {
    return html;
  }
  storage.clear();
  std::size_t done = 0;
  for (; at != std::string_view::npos; at = html.find(kMarker, at + 1)) {
    storage.append(html.substr(done, at - done));
    storage += "&lt;";
    done = at + 1;
  }
  storage.append(html.substr(done));
  return storage;
}

GumboOutput* parse_in_context(std::string_view html, GumboTag context) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = arena_allocate;
  options.deallocator = arena_free;
  options.userdata = &tls_arena;
  options.max_errors = 0;
  options.fragment_context = context;
  return gumbo_parse_with_options(&options, html.data(), html.size());
}

const GumboVector& root_children(const GumboOutput* output) {
  return output->root->v.element.children;
}

bool has_top_level_col(const GumboOutput* output) {
  const GumboVector& nodes = root_children(output);
  for (unsigned i = 0; i < nodes.length; ++i) {
    const auto* n = static_cast<const GumboNode*>(nodes.data[i]);
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_COL) {
      return true;
    }
  }
  return false;
}

bool is_blank(const GumboOutput* output) {
  const GumboVector& nodes = root_children(output);
  for (unsigned i = 0; i < nodes.length; ++i) {
    const auto* n = static_cast<const GumboNode*>(nodes.data[i]);
    if (n->type != GUMBO_NODE_WHITESPACE && n->type != GUMBO_NODE_COMMENT) {
      return false;
    }
  }
  return true;
}

/// A parsed fragment; the arena is reset when it goes away.
class ParsedFragment {
 public:
  explicit ParsedFragment(std::string_view html) {
    html = bounded_for_parser(without_cdata_markers(html, source_), source_);
    // Parsed as a <template>'s content rather than a <body>'s, so that a
    // fragment of a table ("<tr><td>…</td></tr>", a description cut out of
    // a page) keeps its rows and cells; anything else parses as in a body.
    output_ = parse_in_context(html, GUMBO_TAG_TEMPLATE);
    // Except after a stray <col>: the parser then ignores everything but
    // more columns ("x<col>y" would lose "y"), so read it as a body's.
    if (has_top_level_col(output_)) {
      GumboOutput* body = parse_in_context(html, GUMBO_TAG_BODY);
      if (!is_blank(body)) {
        output_ = body;
      }
    }
  }
  ~ParsedFragment() { tls_arena.reset(); }
  ParsedFragment(const ParsedFragment&) = delete;
  ParsedFragment& operator=(const ParsedFragment&) = delete;

  /// The nodes of the fragment: the children of <html> in fragment mode.
  const GumboVector& children() const { return root_children(output_); }

 private:
  std::string source_;  ///< the input, when it had to be changed
  GumboOutput* output_ = nullptr;
};

const GumboNode* child(const GumboVector& v, unsigned i) {
  return static_cast<const GumboNode*>(v.data[i]);
}

bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

bool is_text(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
         node->type == GUMBO_NODE_CDATA;
}

GumboTag tag_of(const GumboNode* node) {
  return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

std::string_view attribute(const GumboNode* node, const char* name) {
  if (!is_element(node)) {
    return {};
  }
  const GumboAttribute* a =
      gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

// ---------------------------------------------------------------- policy
//
// The allowlist is feedparser's (its _HTMLSanitizer: acceptable elements and
// attributes, CSS properties and keywords, SVG and MathML), re-expressed
// here, with the SPEC's stricter rules where they differ: forms and their
// controls go, an <iframe> becomes a link, and every URL must be a safe
// http(s) one.

enum class Treatment { kKeep, kUnwrap, kDrop, kLink };

// Deeper elements are dropped: 100,000 nested <div>s must not exhaust the
// stack of a thread.
constexpr int kMaxDepth = 256;

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
                       GUMBO_TAG_NEXTID, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_PROGRESS,
                       GUMBO_TAG_Q,      GUMBO_TAG_RP,       GUMBO_TAG_RT,
                       GUMBO_TAG_RUBY,   GUMBO_TAG_S,        GUMBO_TAG_SAMP,
                       GUMBO_TAG_SMALL,  GUMBO_TAG_SOURCE,   GUMBO_TAG_SPACER,
                       GUMBO_TAG_SPAN,   GUMBO_TAG_STRIKE,   GUMBO_TAG_STRONG,
                       GUMBO_TAG_SUB,    GUMBO_TAG_SUP,      GUMBO_TAG_TIME,
                       GUMBO_TAG_TRACK,  GUMBO_TAG_TT,       GUMBO_TAG_U,
                       GUMBO_TAG_VAR,    GUMBO_TAG_VIDEO,    GUMBO_TAG_WBR}) {
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

using NameSet = std::unordered_set<std::string_view>;

// The names of a space-separated list; they view the literal.
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

enum class AttrKind {
  kDrop,
  kText,
  kLink,       ///< http(s) or mailto:
  kResource,   ///< http(s)
  kImage,      ///< http(s), through the image proxy
  kResources,  ///< space-separated http(s) URLs (ping)
  kSrcset,
  kHashName,  ///< "#name" (usemap)
  kStyle,
};

// feedparser's acceptable attributes that hold no URL.
const NameSet kHtmlTextAttributes = words(
    "abbr accept accept-charset accesskey align alt autocomplete autofocus "
    "axis balance bgcolor bgproperties border bordercolor bordercolordark "
    "bordercolorlight bottompadding cellpadding cellspacing ch challenge char "
    "charoff charset checked choff class clear color cols colspan compact "
    "contenteditable controls coords datafld datapagesize datetime default "
    "delay dir disabled draggable enctype end face for form frame galleryimg "
    "gutter headers height hidden hidefocus high hreflang hspace id inputmode "
    "ismap keytype label lang leftspacing list loop loopcount loopend "
    "loopstart low max maxlength media method min multiple name nohref noshade "
    "nowrap open optimum pattern point-size pqg preload prompt radiogroup "
    "readonly rel repeat-max repeat-min replace required rev reversed "
    "rightspacing rows rowspan rules scope selected shape size span start step "
    "summary suppress tabindex target template title toppadding type "
    "unselectable urn valign value variable volume vspace width wrap xml:lang");

// Those that hold one, and style.
const std::unordered_map<std::string_view, AttrKind> kHtmlSpecialAttributes = {
    {"href", AttrKind::kLink},         {"action", AttrKind::kResource},
    {"cite", AttrKind::kResource},     {"data", AttrKind::kResource},
    {"datasrc", AttrKind::kResource},  {"dynsrc", AttrKind::kResource},
    {"longdesc", AttrKind::kResource}, {"src", AttrKind::kResource},
    {"vrml", AttrKind::kResource},     {"background", AttrKind::kImage},
    {"icon", AttrKind::kImage},        {"lowsrc", AttrKind::kImage},
    {"poster", AttrKind::kImage},      {"ping", AttrKind::kResources},
    {"usemap", AttrKind::kHashName},   {"style", AttrKind::kStyle}};

AttrKind html_attribute_kind(GumboTag tag, std::string_view name) {
  if (name == "srcset") {
    return tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_SOURCE ? AttrKind::kSrcset
                                                           : AttrKind::kDrop;
  }
  if (name == "src" && tag == GUMBO_TAG_IMG) {
    return AttrKind::kImage;
  }
  if (contains(kHtmlTextAttributes, name)) {
    return AttrKind::kText;
  }
  const auto it = kHtmlSpecialAttributes.find(name);
  return it == kHtmlSpecialAttributes.end() ? AttrKind::kDrop : it->second;
}

// SVG Tiny's attributes with class, opacity and offset (feedparser's list);
// the parser gives them their camel case. xlink:* and xml:* are apart.
const NameSet kSvgAttributes = words(
    "accent-height accumulate additive alphabetic arabic-form ascent "
    "attributeName attributeType baseProfile bbox begin by calcMode cap-height "
    "class color color-rendering content cx cy d descent display dur dx dy end "
    "fill fill-opacity fill-rule font-family font-size font-stretch font-style "
    "font-variant font-weight from fx fy g1 g2 glyph-name gradientUnits "
    "hanging height horiz-adv-x horiz-origin-x id ideographic k keyPoints "
    "keySplines keyTimes lang marker-end marker-mid marker-start markerHeight "
    "markerUnits markerWidth mathematical max min name offset opacity orient "
    "origin overline-position overline-thickness panose-1 path pathLength "
    "points preserveAspectRatio r refX refY repeatCount repeatDur "
    "requiredExtensions requiredFeatures restart rotate rx ry slope stemh "
    "stemv stop-color stop-opacity strikethrough-position "
    "strikethrough-thickness stroke stroke-dasharray stroke-dashoffset "
    "stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity "
    "stroke-width systemLanguage target text-anchor to transform type u1 u2 "
    "underline-position underline-thickness unicode unicode-range units-per-em "
    "values version viewBox visibility width widths x x-height x1 x2 y y1 y2 "
    "zoomAndPan");

const NameSet kMathAttributes = words(
    "accent accentunder actiontype align alignmentscope altimg-height "
    "altimg-valign altimg-width alttext bevelled charalign close columnalign "
    "columnlines columnspacing columnspan columnwidth crossout decimalpoint "
    "denomalign depth dir display displaystyle edge encoding equalcolumns "
    "equalrows fence fontstyle fontweight form frame framespacing groupalign "
    "height id indentalign indentalignfirst indentalignlast indentshift "
    "indentshiftfirst indentshiftlast indenttarget infixlinebreakstyle largeop "
    "length linebreak linebreakmultchar linebreakstyle lineleading "
    "linethickness location longdivstyle lquote lspace mathbackground "
    "mathcolor mathsize mathvariant maxsize minlabelspacing minsize "
    "movablelimits notation numalign open other overflow position rowalign "
    "rowlines rowspacing rowspan rquote rspace scriptlevel scriptminsize "
    "scriptsizemultiplier selection separator separators shift side stackalign "
    "stretchy subscriptshift superscriptshift symmetric voffset width");

/// How an attribute of an SVG or MathML element is kept, and the name it
/// is written with ("xlink:href").
struct ForeignAttr {
  AttrKind kind = AttrKind::kDrop;
  std::string name;
};

// An SVG reference loads what it names (<use href="https://…"> draws a
// remote file): only <a> may point outside the SVG; every other href must
// name an element of it ("#icon").
AttrKind svg_href_kind(GumboTag tag) {
  return tag == GUMBO_TAG_A ? AttrKind::kLink : AttrKind::kHashName;
}

ForeignAttr foreign_attribute(GumboNamespaceEnum ns, GumboTag tag,
                              const GumboAttribute* a) {
  const std::string_view name = a->name;
  const bool svg = ns == GUMBO_NAMESPACE_SVG;
  const AttrKind href = svg ? svg_href_kind(tag) : AttrKind::kLink;
  switch (a->attr_namespace) {
    case GUMBO_ATTR_NAMESPACE_XLINK:
      if (name == "href") {
        return {href, "xlink:href"};
      }
      if (name == "show" || name == "type" ||
          (svg && (name == "title" || name == "role" || name == "arcrole" ||
                   name == "actuate"))) {
        return {AttrKind::kText, "xlink:" + std::string(name)};
      }
      return {};
    case GUMBO_ATTR_NAMESPACE_XML:
      // xml:base is left out: it would move what relative references mean.
      if (svg && (name == "lang" || name == "space")) {
        return {AttrKind::kText, "xml:" + std::string(name)};
      }
      return {};
    case GUMBO_ATTR_NAMESPACE_XMLNS:
      return {};  // the writer declares the namespaces it uses
    case GUMBO_ATTR_NAMESPACE_NONE:
      break;
  }
  if (name == "href") {
    return {href, std::string(name)};
  }
  if (svg) {
    if (name == "style") {
      return {AttrKind::kStyle, std::string(name)};
    }
    return {contains(kSvgAttributes, name) ? AttrKind::kText : AttrKind::kDrop,
            std::string(name)};
  }
  if (name == "src" || name == "altimg") {
    return {AttrKind::kImage, std::string(name)};
  }
  return {contains(kMathAttributes, name) ? AttrKind::kText : AttrKind::kDrop,
          std::string(name)};
}

// An animation that sets a link ("<set attributeName="href"
// to="javascript:…">") or anything but a plain presentation attribute
// would smuggle a value past the attribute rules.
bool animates_safe_attribute(const GumboNode* node) {
  const std::string_view target = attribute(node, "attributeName");
  return target.empty() || contains(kSvgAttributes, target);
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

// ---------------------------------------------------------------- images

bool tiny_dimension(std::string_view value) {
  return value == "0" || value == "1" || value == "0px" || value == "1px";
}

// Lazy-loading themes put a placeholder in src and the picture in data-src:
// <img src="data:image/gif;base64,R0lGOD..." data-src="/photo.jpg">.
std::string_view image_source(const GumboNode* img) {
  for (const char* lazy : {"data-src", "data-original", "data-lazy-src",
                           "data-actualsrc", "data-url"}) {
    if (std::string_view v = attribute(img, lazy); !v.empty()) {
      return v;
    }
  }
  return attribute(img, "src");
}

struct SrcsetCandidate {
  std::string_view url;
  std::string_view descriptor;  ///< "480w", "2x", or empty
};

// HTML §4.8.4.3: candidates are "URL [descriptor]" separated by commas; a
// URL may itself hold commas ("a.jpg?w=1,2 2x"), so only a comma after
// whitespace or at a URL's end separates.
std::vector<SrcsetCandidate> split_srcset(std::string_view srcset) {
  constexpr std::string_view kSpace = " \t\n\r\f";
  std::vector<SrcsetCandidate> candidates;
  std::size_t i = 0;
  while (i < srcset.size()) {
    i = std::min(srcset.find_first_not_of(" \t\n\r\f,", i), srcset.size());
    const std::size_t url_end =
        std::min(srcset.find_first_of(kSpace, i), srcset.size());
    std::string_view url = srcset.substr(i, url_end - i);
    std::string_view descriptor;
    i = url_end;
    if (url.ends_with(',')) {
      url.remove_suffix(url.size() - url.find_last_not_of(',') - 1);
    } else {
      const std::size_t end = std::min(srcset.find(',', i), srcset.size());
      descriptor = srcset.substr(i, end - i);
      const auto d0 = descriptor.find_first_not_of(kSpace);
      descriptor = d0 == std::string_view::npos
                       ? std::string_view()
                       : descriptor.substr(
                             d0, descriptor.find_last_not_of(kSpace) - d0 + 1);
      i = end;
    }
    if (!url.empty()) {
      candidates.push_back({url, descriptor});
    }
  }
  return candidates;
}

// "a.jpg 480w, b.jpg 1080w" -> the candidate with the largest descriptor.
std::string_view largest_srcset_candidate(std::string_view srcset) {
  std::string_view best;
  double best_size = -1;
  for (const SrcsetCandidate& c : split_srcset(srcset)) {
    const double size =
        c.descriptor.empty() ? 1 : std::atof(std::string(c.descriptor).c_str());
    if (size > best_size) {
      best = c.url;
      best_size = size;
    }
  }
  return best;
}

// Feed readers' and analytics' 1x1 beacons: feedburner's "~r/…/~4/…",
// WordPress stats "pixel.wp.com/b.gif", "…/pixel.gif?…".
bool is_tracking_pixel(const GumboNode* img, std::string_view src) {
  if (tiny_dimension(attribute(img, "width")) ||
      tiny_dimension(attribute(img, "height"))) {
    return true;
  }
  for (std::string_view marker :
       {"feedburner.com/~r/", "feeds.feedburner.com/~ff/", "pixel.wp.com",
        "stats.wordpress.com", "/pixel.gif", "/pixel.png", "/1x1.",
        "/spacer.gif", "/blank.gif", "/beacon"}) {
    if (src.find(marker) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// The URL an <img> shows: a lazy-loading attribute, its src, else its
// largest srcset candidate; "" when it has none but a data: placeholder.
std::string_view image_candidate(const GumboNode* img) {
  std::string_view src = image_source(img);
  if (src.empty() || src.starts_with("data:")) {
    src = largest_srcset_candidate(attribute(img, "srcset"));
    if (src.empty()) {
      src = largest_srcset_candidate(attribute(img, "data-srcset"));
    }
  }
  return src.starts_with("data:") ? std::string_view() : src;
}

std::string_view real_image_url(const GumboNode* img) {
  const std::string_view src = image_candidate(img);
  return src.empty() || is_tracking_pixel(img, src) ? std::string_view() : src;
}

/// The lead image and the subtree its removal takes away.
struct LeadImageNode {
  const GumboNode* img = nullptr;
  const GumboNode* removed = nullptr;  ///< the img, its <figure>, or a wrapper
  const GumboNode* figure = nullptr;
};

const GumboNode* find_first_real_image(const GumboVector& nodes,
                                       int depth = 0) {
  if (depth > kMaxDepth) {
    return nullptr;
  }
  for (unsigned i = 0; i < nodes.length; ++i) {
    const GumboNode* n = child(nodes, i);
    if (!is_element(n) || treatment_of(n) == Treatment::kDrop) {
      continue;
    }
    if (n->v.element.tag == GUMBO_TAG_IMG && !real_image_url(n).empty()) {
      return n;
    }
    if (const GumboNode* found =
            find_first_real_image(n->v.element.children, depth + 1)) {
      return found;
    }
  }
  return nullptr;
}

bool only_whitespace(std::string_view text) {
  return text.find_first_not_of(" \t\n\r\f") == std::string_view::npos;
}

// True when `parent` holds nothing but `kept` (and whitespace), so taking
// `kept` out would leave an empty wrapper: <p><a href><img></a></p>.
bool holds_only(const GumboNode* parent, const GumboNode* kept) {
  const GumboVector& kids = parent->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    const GumboNode* k = child(kids, i);
    if (k != kept && !(is_text(k) && only_whitespace(k->v.text.text)) &&
        k->type != GUMBO_NODE_COMMENT) {
      return false;
    }
  }
  return true;
}

LeadImageNode locate_lead_image(const GumboVector& roots) {
  LeadImageNode lead;
  lead.img = find_first_real_image(roots);
  if (lead.img == nullptr) {
    return lead;
  }
  lead.removed = lead.img;
  for (const GumboNode* p = lead.img->parent; p && is_element(p);
       p = p->parent) {
    const GumboTag tag = p->v.element.tag;
    if (tag == GUMBO_TAG_FIGURE) {
      lead.figure = lead.removed = p;
      break;
    }
    const bool wrapper = tag == GUMBO_TAG_A || tag == GUMBO_TAG_P ||
                         tag == GUMBO_TAG_DIV || tag == GUMBO_TAG_SPAN ||
                         tag == GUMBO_TAG_CENTER;
    if (!wrapper || !holds_only(p, lead.removed)) {
      break;
    }
    lead.removed = p;
  }
  return lead;
}

void append_piece(std::string& out, const GumboStringPiece& piece) {
  out.append(piece.data, piece.length);
}

// Text that merely looks like a tag stays text: a title "std::vector<bool>"
// (escaped as &lt;bool&gt; in the feed) is no element of HTML.
void append_text_of(std::string& out, const GumboNode* node, int depth = 0) {
  if (is_text(node)) {
    for (const char* c = node->v.text.text; *c != '\0'; ++c) {
      if (is_forbidden_control(static_cast<unsigned char>(*c))) {
        out += is_ascii_space(*c) ? " " : kReplacementCharacter;
      } else {
        out += *c;
      }
    }
    return;
  }
  if (!is_element(node) || depth > kMaxDepth) {
    return;
  }
  const Treatment treatment = treatment_of(node);
  if (treatment == Treatment::kDrop) {
    return;
  }
  const bool unknown = node->v.element.tag == GUMBO_TAG_UNKNOWN &&
                       !is_foreign(node) && treatment == Treatment::kUnwrap;
  const bool block = !is_foreign(node) && is_block(node->v.element.tag);
  if (unknown) {
    append_piece(out, node->v.element.original_tag);
  } else if (block) {
    out += ' ';
  }
  const GumboVector& kids = node->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    append_text_of(out, child(kids, i), depth + 1);
  }
  if (unknown) {
    append_piece(out, node->v.element.original_end_tag);
  } else if (block) {
    out += ' ';
  }
}

std::string caption_of(const LeadImageNode& lead) {
  if (lead.figure != nullptr) {
    const GumboVector& kids = lead.figure->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      if (tag_of(child(kids, i)) == GUMBO_TAG_FIGCAPTION) {
        std::string text;
        append_text_of(text, child(kids, i));
        if (std::string c = collapse_whitespace(text); !c.empty()) {
          return c;
        }
      }
    }
  }
  for (const char* name : {"title", "alt"}) {
    if (std::string c = collapse_whitespace(attribute(lead.img, name));
        !c.empty()) {
      return c;
    }
  }
  return {};
}

// ---------------------------------------------------------------- text

// East Asian Wide and Fullwidth ranges (UAX #11), where a line break between
// two characters is no word space: "中国\n外交部" is one word.
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

// ---------------------------------------------------------------- writer

/// Writes the sanitized tree on one line (SPEC "The article file", body).
class Writer {
 public:
  Writer(const SanitizeOptions& options, const UrlResolver& resolver,
         const GumboNode* skipped)
      : options_(options), resolver_(resolver), skipped_(skipped) {}

  void write_children(const GumboVector& nodes, bool block_context);
  std::string take() { return std::move(out_); }

 private:
  void write_node(const GumboVector& siblings, unsigned index,
                  bool block_context);
  void write_element(const GumboNode* node);
  void write_kept_element(const GumboNode* node);
  void write_iframe_link(const GumboNode* node);
  void write_html_attributes(const GumboNode* node);
  void write_foreign_attributes(const GumboNode* node, std::string_view name);
  void write_kept_attribute(std::string_view name, std::string_view value,
                            AttrKind kind, bool foreign);
  void write_url_attribute(std::string_view name, std::string_view value,
                           AttrKind kind, bool foreign);
  void write_attribute(std::string_view name, std::string_view value);
  void write_text(std::string_view text);
  void write_pre_text(std::string_view text);
  void boundary() {
    pending_space_ = false;
    last_char_ = 0;
  }
  bool is_kept_block(const GumboNode* node) const;
  bool touches_block(const GumboVector& siblings, unsigned index,
                     bool block_context) const;
  std::string resolve(std::string_view url, AttrKind kind) const;
  std::string resolve_list(std::string_view urls) const;
  std::string resolve_srcset(std::string_view srcset) const;

  const SanitizeOptions& options_;
  const UrlResolver& resolver_;
  const GumboNode* skipped_;
  std::string out_;
  bool pending_space_ = false;
  char32_t last_char_ = 0;
  int pre_depth_ = 0;
  int depth_ = 0;
};

bool Writer::is_kept_block(const GumboNode* node) const {
  return is_element(node) && !is_foreign(node) &&
         is_block(node->v.element.tag) &&
         treatment_of(node) == Treatment::kKeep;
}

bool is_invisible(const GumboNode* node, const GumboNode* skipped) {
  return node == skipped || node->type == GUMBO_NODE_COMMENT ||
         (is_element(node) && treatment_of(node) == Treatment::kDrop);
}

// "Whitespace-only text between block elements is dropped": look past
// removed nodes to the nearest visible sibling on each side.
bool Writer::touches_block(const GumboVector& siblings, unsigned index,
                           bool block_context) const {
  const auto side = [&](int step) {
    for (int i = static_cast<int>(index) + step;
         i >= 0 && i < static_cast<int>(siblings.length); i += step) {
      const GumboNode* n = child(siblings, static_cast<unsigned>(i));
      if (!is_invisible(n, skipped_)) {
        return is_kept_block(n);
      }
    }
    return block_context;
  };
  return side(-1) || side(+1);
}

// XHTML habits give "<br></br>", which an HTML parser reads as two line
// breaks (HTML §13.2.6.4.7, an end tag "br"); the end tag is no second one.
bool is_end_tag_after_br(const GumboVector& siblings, unsigned index) {
  const GumboNode* node = child(siblings, index);
  if (index == 0 || tag_of(node) != GUMBO_TAG_BR) {
    return false;
  }
  const GumboStringPiece& source = node->v.element.original_tag;
  const bool end_tag =
      source.length == 0 || (source.length > 1 && source.data[1] == '/');
  return end_tag && tag_of(child(siblings, index - 1)) == GUMBO_TAG_BR;
}

void Writer::write_children(const GumboVector& nodes, bool block_context) {
  for (unsigned i = 0; i < nodes.length; ++i) {
    write_node(nodes, i, block_context);
  }
}

void Writer::write_node(const GumboVector& siblings, unsigned index,
                        bool block_context) {
  const GumboNode* node = child(siblings, index);
  if (node == skipped_) {
    return;
  }
  if (is_text(node)) {
    const std::string_view text = node->v.text.text;
    if (pre_depth_ > 0) {
      write_pre_text(text);
    } else if (!only_whitespace(text) ||
               !touches_block(siblings, index, block_context)) {
      write_text(text);
    }
    return;
  }
  if (is_element(node) && !is_end_tag_after_br(siblings, index)) {
    write_element(node);
  }
}

void Writer::write_element(const GumboNode* node) {
  const Treatment treatment = treatment_of(node);
  if (treatment == Treatment::kDrop || depth_ >= kMaxDepth) {
    return;
  }
  ++depth_;
  switch (treatment) {
    case Treatment::kLink:
      write_iframe_link(node);
      break;
    case Treatment::kUnwrap:
      write_children(node->v.element.children, false);
      break;
    default:
      write_kept_element(node);
      break;
  }
  --depth_;
}

void Writer::write_kept_element(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  const bool foreign = is_foreign(node);
  std::string image_src;
  if (tag == GUMBO_TAG_IMG) {
    const std::string_view src = image_candidate(node);
    if (is_tracking_pixel(node, src)) {
      return;  // a beacon shows nothing
    }
    // An image without a safe source stays, for its alt text and size.
    image_src = resolve(src, AttrKind::kImage);
  }
  const bool block = !foreign && is_block(tag);
  if (block) {
    boundary();
  } else if (pending_space_ && last_char_ != 0 && !is_wide(last_char_)) {
    out_ += ' ';
    boundary();
  }
  const std::string name = foreign || tag == GUMBO_TAG_UNKNOWN
                               ? element_name(node)
                               : std::string(gumbo_normalized_tagname(tag));
  out_ += '<';
  out_ += name;
  if (foreign) {
    write_foreign_attributes(node, name);
  } else {
    write_html_attributes(node);
  }
  if (!image_src.empty()) {
    write_attribute("src", image_src);
  }
  const GumboVector& children = node->v.element.children;
  if (children.length == 0 && is_void(tag)) {
    out_ += " />";
    return;
  }
  out_ += '>';
  const std::size_t content_start = out_.size();
  pre_depth_ += tag == GUMBO_TAG_PRE;
  write_children(children, block);
  pre_depth_ -= tag == GUMBO_TAG_PRE;
  if (foreign && out_.size() == content_start) {
    out_.back() = ' ';  // an empty SVG or MathML element closes itself
    out_ += "/>";
    return;
  }
  if (block) {
    boundary();
  }
  out_ += "</";
  out_ += name;
  out_ += '>';
}

// An <iframe> (a video player, a map) becomes a link to what it shows, so
// nothing is lost and nothing runs.
void Writer::write_iframe_link(const GumboNode* node) {
  const std::string src = resolve(attribute(node, "src"), AttrKind::kResource);
  if (src.empty()) {
    return;
  }
  out_ += "<a href=\"";
  append_html_escaped(out_, src, true);
  out_ += "\">";
  append_html_escaped(out_, src);
  out_ += "</a>";
}

void Writer::write_html_attributes(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    const std::string_view name = a->name;
    if (tag == GUMBO_TAG_IMG && name == "src") {
      continue;  // written from the real source
    }
    write_kept_attribute(name, a->value, html_attribute_kind(tag, name), false);
  }
}

constexpr std::string_view kSvgNamespace = "http://www.w3.org/2000/svg";
constexpr std::string_view kMathNamespace =
    "http://www.w3.org/1998/Math/MathML";
constexpr std::string_view kXlinkNamespace = "http://www.w3.org/1999/xlink";

// SVG and MathML values are text, but some name a resource (fill="url(#g)")
// or become one (an animation's "to"); only references inside the document
// pass, and no script scheme, however spaced out.
bool is_safe_foreign_value(std::string_view value) {
  std::string squeezed;
  for (char c : value) {
    if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) {
      squeezed += ascii_lower(c);
    }
  }
  for (std::string_view scheme :
       {"javascript:", "vbscript:", "livescript:", "data:"}) {
    if (squeezed.find(scheme) != std::string::npos) {
      return false;
    }
  }
  for (std::size_t at = squeezed.find("url("); at != std::string::npos;
       at = squeezed.find("url(", at + 4)) {
    std::size_t ref = at + 4;
    ref += ref < squeezed.size() &&
           (squeezed[ref] == '\'' || squeezed[ref] == '"');
    if (ref >= squeezed.size() || squeezed[ref] != '#') {
      return false;
    }
  }
  return true;
}

// The parser gives SVG and MathML elements their namespace; written as
// HTML, they declare it like feedparser does, with XLink's where used.
void Writer::write_foreign_attributes(const GumboNode* node,
                                      std::string_view name) {
  const GumboNamespaceEnum ns = node->v.element.tag_namespace;
  if (ns == GUMBO_NAMESPACE_SVG && name == "svg") {
    write_attribute("xmlns", kSvgNamespace);
  } else if (ns == GUMBO_NAMESPACE_MATHML && name == "math") {
    write_attribute("xmlns", kMathNamespace);
  }
  bool xlink = false;
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    const ForeignAttr kept = foreign_attribute(ns, node->v.element.tag, a);
    if (kept.kind == AttrKind::kText && !is_safe_foreign_value(a->value)) {
      continue;
    }
    const std::size_t before = out_.size();
    write_kept_attribute(kept.name, a->value, kept.kind,
                         ns == GUMBO_NAMESPACE_SVG);
    xlink = xlink || (out_.size() != before && kept.name.starts_with("xlink:"));
  }
  if (xlink) {
    write_attribute("xmlns:xlink", kXlinkNamespace);
  }
}

void Writer::write_kept_attribute(std::string_view name, std::string_view value,
                                  AttrKind kind, bool svg) {
  switch (kind) {
    case AttrKind::kDrop:
      return;
    case AttrKind::kText:
      write_attribute(name, value);
      return;
    case AttrKind::kStyle:
      if (std::string css = sanitize_style(value, svg); !css.empty()) {
        write_attribute(name, css);
      }
      return;
    case AttrKind::kSrcset:
      if (std::string set = resolve_srcset(value); !set.empty()) {
        write_attribute(name, set);
      }
      return;
    case AttrKind::kHashName:
      if (value.empty() || value.starts_with('#')) {
        write_attribute(name, value);
      }
      return;
    default:
      write_url_attribute(name, value, kind, svg);
      return;
  }
}

// WHATWG URL parsing strips C0 controls and spaces at both ends:
// "\x01javascript:" is a javascript: URL to a browser.
std::string_view trim_controls(std::string_view url) {
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) {
    url.remove_prefix(1);
  }
  while (!url.empty() && static_cast<unsigned char>(url.back()) <= 0x20) {
    url.remove_suffix(1);
  }
  return url;
}

void Writer::write_url_attribute(std::string_view name, std::string_view value,
                                 AttrKind kind, bool svg) {
  const std::string_view url = trim_controls(value);
  if (url.empty()) {
    write_attribute(name, url);  // names nothing, runs nothing
    return;
  }
  if (svg && url.starts_with('#')) {
    write_attribute(name, url);  // <use xlink:href="#icon">, in this SVG
    return;
  }
  const std::string resolved =
      kind == AttrKind::kResources ? resolve_list(url) : resolve(url, kind);
  if (!resolved.empty()) {
    write_attribute(name, resolved);
  }
}

void Writer::write_attribute(std::string_view name, std::string_view value) {
  out_ += ' ';
  out_.append(name);
  out_ += "=\"";
  append_html_escaped(out_, value, true);
  out_ += '"';
}

// "java&#0;script:" reaches us as "java\uFFFDscript:", which is no scheme,
// so a browser would take it for a relative path. A colon ahead of any "/",
// "?" or "#" that does not end a well-formed scheme is such a disguise, and
// the URL goes rather than becoming a link to ".../java%EF%BF%BDscript:…".
bool has_false_scheme(std::string_view url) {
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || url.find_first_of("/?#") < colon) {
    return false;
  }
  std::string scheme;  // browsers drop tabs and line breaks anywhere
  for (char c : url.substr(0, colon)) {
    if (c != '\t' && c != '\n' && c != '\r') {
      scheme += c;
    }
  }
  return scheme.empty() ||
         !std::isalpha(static_cast<unsigned char>(scheme[0])) ||
         !std::all_of(scheme.begin(), scheme.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '+' ||
                  c == '-' || c == '.';
         });
}

std::string Writer::resolve(std::string_view url, AttrKind kind) const {
  url = trim_controls(url);
  if (url.empty() || has_false_scheme(url)) {
    return {};
  }
  std::string absolute = resolver_.resolve(url, kind == AttrKind::kLink);
  if (absolute.empty() || kind != AttrKind::kImage) {
    return absolute;
  }
  return apply_image_proxy(options_.image_proxy, absolute);
}

// ping="a b": each URL on its own; the unsafe ones go.
std::string Writer::resolve_list(std::string_view urls) const {
  std::string out;
  std::size_t i = 0;
  while (i < urls.size()) {
    const std::size_t end =
        std::min(urls.find_first_of(" \t\n\r\f", i), urls.size());
    if (std::string url = resolve(urls.substr(i, end - i), AttrKind::kResource);
        !url.empty()) {
      out += out.empty() ? "" : " ";
      out += url;
    }
    i = end + 1;
  }
  return out;
}

std::string Writer::resolve_srcset(std::string_view srcset) const {
  std::string out;
  for (const SrcsetCandidate& c : split_srcset(srcset)) {
    const std::string url = resolve(c.url, AttrKind::kImage);
    if (url.empty()) {
      continue;
    }
    if (!out.empty()) {
      out += ", ";
    }
    out += url;
    if (!c.descriptor.empty()) {
      out += ' ';
      out += collapse_whitespace(c.descriptor);
    }
  }
  return out;
}

// Runs of whitespace with a line break become one space, or nothing between
// two wide characters; other runs stay as they are.
void Writer::write_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_ascii_space(text[i])) {
      const std::size_t end =
          std::min(text.find_first_not_of(" \t\n\r\f", i), text.size());
      const std::string_view run = text.substr(i, end - i);
      if (run.find_first_of("\n\r") != std::string_view::npos) {
        pending_space_ = true;
      } else if (last_char_ != 0 || !pending_space_) {
        pending_space_ = false;
        out_.append(run);
        last_char_ = ' ';
      }
      i = end;
      continue;
    }
    const char32_t c = decode_utf8_at(text, i);
    if (pending_space_ && last_char_ != 0 && last_char_ != ' ' &&
        !(is_wide(last_char_) && is_wide(c))) {
      out_ += ' ';
    }
    pending_space_ = false;
    const std::size_t len = std::min(
        utf8_length(static_cast<unsigned char>(text[i])), text.size() - i);
    append_html_escaped(out_, text.substr(i, len));
    last_char_ = c;
    i += len;
  }
}

void Writer::write_pre_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out_ += "&#10;";
      i += i + 1 < text.size() && text[i + 1] == '\n';
    } else if (text[i] == '\n') {
      out_ += "&#10;";
    } else {
      append_html_escaped(out_, text.substr(i, 1));
    }
  }
}

}  // namespace

void append_html_escaped(std::string& out, std::string_view text,
                         bool attribute) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* replacement = nullptr;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = attribute ? "&quot;" : nullptr;
        break;
      case '\n':
        replacement = attribute ? "&#10;" : nullptr;
        break;
      case '\r':
        replacement = attribute ? "&#13;" : nullptr;
        break;
      case '\f':
        replacement = " ";  // whitespace to HTML, not to XML
        break;
      default:
        if (is_forbidden_control(static_cast<unsigned char>(c))) {
          replacement = kReplacementCharacter.data();
        }
        break;
    }
    if (replacement != nullptr) {
      out.append(text.substr(start, i - start));
      out += replacement;
      start = i + 1;
    }
  }
  out.append(text.substr(start));
}

SanitizedHtml sanitize_html(std::string_view html,
                            const SanitizeOptions& options) {
  SanitizedHtml result;
  if (only_whitespace(html)) {
    return result;
  }
  const ParsedFragment fragment(html);
  const UrlResolver resolver(options.base_url);
  LeadImageNode lead;
  if (options.lead_image != SanitizeOptions::LeadImage::kIgnore) {
    lead = locate_lead_image(fragment.children());
    if (lead.img != nullptr) {
      result.image_url = resolver.resolve(real_image_url(lead.img));
      result.image_caption = caption_of(lead);
    }
    if (result.image_url.empty()) {
      lead = {};
    }
  }
  const bool take = options.lead_image == SanitizeOptions::LeadImage::kTake;
  Writer writer(options, resolver, take ? lead.removed : nullptr);
  writer.write_children(fragment.children(), true);
  result.html = writer.take();
  return result;
}

std::string html_to_text(std::string_view html) {
  if (html.find_first_of("<&") == std::string_view::npos) {
    return collapse_whitespace(html);
  }
  const ParsedFragment fragment(html);
  std::string text;
  const GumboVector& nodes = fragment.children();
  for (unsigned i = 0; i < nodes.length; ++i) {
    append_text_of(text, child(nodes, i));
  }
  return collapse_whitespace(text);
}

}  // namespace feedmark
