#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <pugixml.hpp>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "feedmark/decode/xml_repair.h"
#include "feedmark/html/text.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "parse_detail.h"

namespace feedmark::parse_detail {
namespace {

// ---------------------------------------------------------------- text
struct StringWriter : pugi::xml_writer {
  std::string& out;
  explicit StringWriter(std::string& o) : out(o) {}
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

bool is_void_element(std::string_view name) {
  for (std::string_view v :
       {"br", "img", "hr", "input", "col", "source", "wbr", "area", "track",
        "embed", "meta", "link", "param", "base"}) {
    if (name == v) {
      return true;
    }
  }
  return false;
}

// Deeper XHTML is dropped: the HTML stage keeps 256 levels anyway, and a
// hostile feed nesting 200,000 elements would overflow the stack here.
constexpr int kMaxXhtmlDepth = 512;

// XHTML content as HTML: <xhtml:b> becomes <b>, so the HTML parser after
// us sees ordinary elements; namespace declarations are dropped.
void append_xhtml(std::string& out, xml_node node, int depth = 0) {
  if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
    append_html_escaped(out, node.value());
    return;
  }
  if (node.type() != pugi::node_element) {
    return;
  }
  const std::string_view name = local_name(node.name());
  out += '<';
  out += name;
  for (pugi::xml_attribute a : node.attributes()) {
    const std::string_view attr = a.name();
    if (attr != "xmlns" && !attr.starts_with("xmlns:")) {
      out += ' ';
      out += attr;
      out += "=\"";
      append_html_escaped(out, a.value(), true);
      out += '"';
    }
  }
  if (is_void_element(name)) {
    out += " />";
    return;
  }
  out += '>';
  if (depth < kMaxXhtmlDepth) {
    for (xml_node c : node.children()) {
      append_xhtml(out, c, depth + 1);
    }
  }
  out += "</";
  out += name;
  out += '>';
}

/// An Atom text construct as HTML (type text, html or xhtml).
// RFC 4287 §4.1.3.3: a MIME type that is neither text/* nor XML means
// base64 content; Atom 0.3 said so with mode="base64".
bool is_base64_content(xml_node node) {
  const std::string_view type = node.attribute("type").value();
  if (std::string_view(node.attribute("mode").value()) == "base64") {
    return true;
  }
  return type.find('/') != std::string_view::npos &&
         !type.starts_with("text/") && !type.ends_with("xml") &&
         !type.ends_with("+xml");
}

std::string decode_base64(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (!is_ascii_space(c)) {
      compact += c;
    }
  }
  std::string out(compact.size() / 4 * 3 + 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(compact.data()),
                      static_cast<int>(compact.size()));
  if (n < 0) {
    return {};
  }
  const std::size_t padding = compact.ends_with("==")  ? 2
                              : compact.ends_with('=') ? 1
                                                       : 0;
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

// TypePad wrapped escaped HTML in an XHTML div inside type="html" content:
// <content type="html"><div xmlns="http://www.w3.org/1999/xhtml">Example
// &lt;b&gt;Atom&lt;/b&gt;</div></content>. The div's text is the HTML.
xml_node escaped_html_wrapper(xml_node node) {
  xml_node only;
  for (xml_node n : node.children()) {
    const bool blank = n.type() == pugi::node_pcdata && trim(n.value()).empty();
    if (n.type() == pugi::node_element && !only) {
      only = n;
    } else if (!blank) {
      return node;
    }
  }
  const bool xhtml_div = only && local_name(only.name()) == "div" &&
                         std::string_view(only.attribute("xmlns").value()) ==
                             "http://www.w3.org/1999/xhtml";
  return xhtml_div ? only : node;
}

}  // namespace

/// The element's content as a string: its text, or, when a feed put raw
/// markup inside (<description><p>Hi</p></description>), that markup.
std::string inner_text(xml_node node) {
  std::string out;
  for (xml_node n : node.children()) {
    if (n.type() == pugi::node_pcdata || n.type() == pugi::node_cdata) {
      out += n.value();
    } else if (n.type() == pugi::node_element) {
      StringWriter writer(out);
      n.print(writer, "", pugi::format_raw);
    }
  }
  return out;
}

// RSS titles are plain text in theory and HTML in practice
// ("Q&amp;amp;A", "<b>Breaking</b>: ..."); only markup goes through gumbo.
std::string plain_text(std::string_view text) {
  if (text.find_first_of("<&") == std::string_view::npos) {
    return collapse_whitespace(text);
  }
  return html_to_text(text);
}

std::string child_text(const Context& cx, xml_node parent,
                       std::string_view name) {
  xml_node n = child(cx, parent, name);
  return n ? std::string(trim(inner_text(n))) : std::string();
}

std::string_view local_name(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string xhtml_inner(xml_node node) {
  std::string out;
  for (xml_node c : node.children()) {
    append_xhtml(out, c);
  }
  return out;
}

std::string atom_html(xml_node node) {
  const std::string_view type = node.attribute("type").value();
  if (is_base64_content(node)) {
    std::string decoded = decode_base64(inner_text(node));
    repair_utf8(decoded);
    return decoded;
  }
  if (type == "xhtml" || type == "application/xhtml+xml") {
    xml_node div = node.find_child(
        [](xml_node n) { return n.type() == pugi::node_element; });
    const bool wrapper = div && local_name(div.name()) == "div";
    return xhtml_inner(wrapper ? div : node);
  }
  // Atom 0.3 used MIME types ("text/html"); anything but text is markup.
  if (!type.empty() && type != "text" && type != "text/plain") {
    return inner_text(escaped_html_wrapper(node));
  }
  return html_from_text(inner_text(node));
}

std::string atom_plain(xml_node node) {
  const std::string_view type = node.attribute("type").value();
  if (type.empty() || type == "text" || type == "text/plain") {
    // Atom 0.3 could base64 any text: <title mode="base64">RXhh...</title>
    return collapse_whitespace(is_base64_content(node) ? atom_html(node)
                                                       : inner_text(node));
  }
  return html_to_text(atom_html(node));
}

std::optional<UnixTime> first_date(
    const Context& cx, xml_node parent,
    std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (xml_node n = child(cx, parent, name)) {
      if (auto t = parse_date(trim(inner_text(n)), cx.options.zone)) {
        return t;
      }
    }
  }
  return std::nullopt;
}

std::string html_from_text(std::string_view text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

}  // namespace feedmark::parse_detail
