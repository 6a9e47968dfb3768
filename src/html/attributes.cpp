#include <unordered_map>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"

namespace feedmark::html {

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

}  // namespace feedmark::html
