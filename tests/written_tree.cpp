#include "written_tree.h"

#include <gumbo.h>

#include <pugixml.hpp>

#include "feedmark/html/fragment.h"
#include "feedmark/html/policy.h"

namespace feedmark::test {
namespace {

using html::child;
using html::is_element;

// An attribute's name as written: XLink's and XML's with their prefix.
std::string written_name(const GumboAttribute* a) {
  switch (a->attr_namespace) {
    case GUMBO_ATTR_NAMESPACE_XLINK:
      return "xlink:" + std::string(a->name);
    case GUMBO_ATTR_NAMESPACE_XML:
      return "xml:" + std::string(a->name);
    case GUMBO_ATTR_NAMESPACE_XMLNS:
      return std::string_view(a->name) == "xmlns"
                 ? std::string("xmlns")
                 : "xmlns:" + std::string(a->name);
    case GUMBO_ATTR_NAMESPACE_NONE:
      break;
  }
  return a->name;
}

std::string describe(const GumboNode* node) {
  if (node == nullptr) {
    return "nothing";
  }
  if (is_element(node)) {
    return "<" + html::element_name(node) + ">";
  }
  return "text \"" + std::string(node->v.text.text) + "\"";
}

std::string describe(const pugi::xml_node& node) {
  if (!node) {
    return "nothing";
  }
  if (node.type() == pugi::node_element) {
    return "<" + std::string(node.name()) + ">";
  }
  return "text \"" + std::string(node.value()) + "\"";
}

std::string compare(const pugi::xml_node& written, const GumboVector& parsed,
                    const std::string& where);

std::string compare_node(const pugi::xml_node& w, const GumboNode* p,
                         const std::string& where) {
  const std::string mismatch =
      where + ": wrote " + describe(w) + ", parsed " + describe(p);
  if (w.type() != pugi::node_element) {
    return html::is_text(p) && std::string_view(w.value()) == p->v.text.text
               ? ""
               : mismatch;
  }
  if (!is_element(p) || html::element_name(p) != w.name()) {
    return mismatch;
  }
  const GumboVector& attrs = p->v.element.attributes;
  unsigned n = 0;
  for (const pugi::xml_attribute& a : w.attributes()) {
    if (n >= attrs.length) {
      return mismatch + " (attribute " + a.name() + " lost)";
    }
    const auto* pa = static_cast<const GumboAttribute*>(attrs.data[n++]);
    if (written_name(pa) != a.name() ||
        std::string_view(pa->value) != a.value()) {
      return mismatch + " (attribute " + a.name() + ")";
    }
  }
  if (n != attrs.length) {
    return mismatch + " (attributes added)";
  }
  return compare(w, p->v.element.children, where + " > " + w.name());
}

std::string compare(const pugi::xml_node& written, const GumboVector& parsed,
                    const std::string& where) {
  unsigned i = 0;
  for (const pugi::xml_node& w : written.children()) {
    const GumboNode* p = i < parsed.length ? child(parsed, i) : nullptr;
    ++i;
    // HTML's writing of a <pre> whose text starts with a line break adds
    // one, which a parser drops (§13.3, "serializing HTML fragments").
    if (std::string_view(written.name()) == "pre" &&
        w == written.first_child() && w.type() == pugi::node_pcdata &&
        w.value()[0] == '\n') {
      if (w.value()[1] == '\0') {
        --i;
        continue;
      }
      if (p == nullptr || !html::is_text(p) ||
          std::string_view(w.value() + 1) != p->v.text.text) {
        return where + ": wrote " + describe(w) + ", parsed " + describe(p);
      }
      continue;
    }
    if (p == nullptr) {
      return where + ": wrote " + describe(w) + ", parsed nothing";
    }
    if (std::string difference = compare_node(w, p, where);
        !difference.empty()) {
      return difference;
    }
  }
  if (i < parsed.length) {
    return where + ": parsed " + describe(child(parsed, i)) + " more";
  }
  return "";
}

}  // namespace

std::string tree_difference(std::string_view html) {
  pugi::xml_document written;
  const std::string wrapped = "<r>" + std::string(html) + "</r>";
  const pugi::xml_parse_result read = written.load_buffer(
      wrapped.data(), wrapped.size(),
      // As written: no attribute whitespace or line ends normalized.
      pugi::parse_escapes | pugi::parse_ws_pcdata, pugi::encoding_utf8);
  if (!read) {
    return std::string("not XML-shaped: ") + read.description() + " at " +
           std::to_string(read.offset);
  }
  const html::ParsedFragment parsed(html, html::FragmentParser::kGumboInBody);
  return compare(written.first_child(), parsed.children(), "body");
}

}  // namespace feedmark::test
