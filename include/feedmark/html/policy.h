#pragma once

// What the sanitizer keeps (SPEC "Extraction rules"): feedparser's allowlist
// of elements and attributes, with the SPEC's stricter rules. Shared by the
// sanitizer (extract/sanitize) and plain text (html/text), which must skip
// what the sanitizer drops.

#include <gumbo.h>

#include <string>
#include <string_view>
#include <unordered_set>

namespace feedmark::html {

enum class Treatment { kKeep, kUnwrap, kDrop, kLink };

// Deeper elements are dropped: 100,000 nested <div>s must not exhaust the
// stack of a thread.
inline constexpr int kMaxDepth = 256;

/// What becomes of an element and its content.
Treatment treatment_of(const GumboNode* node);
/// An HTML block element (<p>, <div>, <li>…): whitespace around it goes.
bool is_block(GumboTag tag);
/// In the SVG or MathML namespace.
bool is_foreign(const GumboNode* node);
/// The name an element is written with: "span", "event-source", and SVG's
/// camel case ("linearGradient"), which the HTML parser lower-cased.
std::string element_name(const GumboNode* node);

using NameSet = std::unordered_set<std::string_view>;
/// The names of a space-separated list; they view the literal.
NameSet words(std::string_view list);
bool contains(const NameSet& set, std::string_view name);

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

/// How an attribute of an HTML element is kept.
AttrKind html_attribute_kind(GumboTag tag, std::string_view name);

/// How an attribute of an SVG or MathML element is kept, and the name it
/// is written with ("xlink:href").
struct ForeignAttr {
  AttrKind kind = AttrKind::kDrop;
  std::string name;
};
ForeignAttr foreign_attribute(GumboNamespaceEnum ns, GumboTag tag,
                              const GumboAttribute* a);

/// An SVG animation that sets only a plain presentation attribute.
bool animates_safe_attribute(const GumboNode* node);

}  // namespace feedmark::html
