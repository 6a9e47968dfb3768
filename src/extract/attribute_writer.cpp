#include "attribute_writer.h"

#include "feedmark/extract/css.h"
#include "feedmark/html/fragment.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "images.h"

namespace feedmark::html {
namespace {

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

}  // namespace

void AttributeWriter::write_html_attributes(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    const std::string_view name = a->name;
    if (tag == GUMBO_TAG_IMG &&
        (name == "src" || (last_image_saved_ && name == "srcset"))) {
      continue;  // written from the real source, or a saved copy
    }
    if (name == "poster" && options_.saved_images != nullptr) {
      if (std::string poster = shown_image(a->value); !poster.empty()) {
        write_attribute(name, poster);
      }
      continue;
    }
    write_kept_attribute(name, a->value, html_attribute_kind(tag, name), false);
  }
}

// The parser gives SVG and MathML elements their namespace; written as
// HTML, they declare it like feedparser does, with XLink's where used.
void AttributeWriter::write_foreign_attributes(const GumboNode* node,
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

void AttributeWriter::write_verbatim_attributes(const GumboNode* node) {
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned i = 0; i < attrs.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(attrs.data[i]);
    const std::string_view name = a->name;
    switch (a->attr_namespace) {
      case GUMBO_ATTR_NAMESPACE_XLINK:
        write_attribute("xlink:" + std::string(name), a->value);
        break;
      case GUMBO_ATTR_NAMESPACE_XML:
        write_attribute("xml:" + std::string(name), a->value);
        break;
      case GUMBO_ATTR_NAMESPACE_XMLNS:
        write_attribute(
            name == "xmlns" ? std::string(name) : "xmlns:" + std::string(name),
            a->value);
        break;
      case GUMBO_ATTR_NAMESPACE_NONE:
        write_attribute(name, a->value);
        break;
    }
  }
}

void AttributeWriter::write_kept_attribute(std::string_view name,
                                           std::string_view value,
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

void AttributeWriter::write_url_attribute(std::string_view name,
                                          std::string_view value, AttrKind kind,
                                          bool svg) {
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

void AttributeWriter::write_attribute(std::string_view name,
                                      std::string_view value) {
  out_ += ' ';
  out_.append(name);
  out_ += "=\"";
  append_html_escaped(out_, value, true);
  out_ += '"';
}

std::string AttributeWriter::resolve(std::string_view url,
                                     AttrKind kind) const {
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

std::string AttributeWriter::shown_image(std::string_view url) {
  last_image_saved_ = false;
  if (options_.saved_images == nullptr) {
    return resolve(url, AttrKind::kImage);
  }
  url = trim_controls(url);
  if (url.empty() || has_false_scheme(url)) {
    return {};
  }
  std::string absolute = resolver_.resolve(url, false);
  if (absolute.empty()) {
    return {};
  }
  images.push_back(absolute);
  if (std::string local = options_.saved_images->local_path(absolute);
      !local.empty()) {
    last_image_saved_ = true;
    local_images.push_back(local);
    return local;
  }
  return apply_image_proxy(options_.image_proxy, absolute);
}

// ping="a b": each URL on its own; the unsafe ones go.
std::string AttributeWriter::resolve_list(std::string_view urls) const {
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

std::string AttributeWriter::resolve_srcset(std::string_view srcset) const {
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

}  // namespace feedmark::html
