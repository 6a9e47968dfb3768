#pragma once

// What the RSS and Atom readers (parse/*.cpp) share: private to them.

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
#include "feedmark/parse/parse.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark::parse_detail {

using pugi::xml_node;

constexpr std::string_view kAtom10 = "http://www.w3.org/2005/Atom";

constexpr std::string_view kAtom03 = "http://purl.org/atom/ns#";

constexpr std::string_view kRss10 = "http://purl.org/rss/1.0/";

constexpr std::string_view kRss090 = "http://my.netscape.com/rdf/simple/0.9/";

// ---------------------------------------------------------------- names
// Feeds choose their own prefixes (xmlns:m="http://search.yahoo.com/mrss/"),
// so element names are compared in a canonical spelling: "media:content",
// and the feed's own vocabulary (Atom, RSS 1.0) without a prefix.
class Names {
 public:
  Names(xml_node root, std::string_view own_namespace) {
    own_ = own_namespace;
    collect_all(root);
  }

  /// The canonical name of an element ("media:content", "title").
  std::string_view of(xml_node node) const {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    if (colon == std::string_view::npos) {
      return name;
    }
    const auto it = canonical_.find(std::string(name.substr(0, colon)));
    if (it == canonical_.end() || it->second == name.substr(0, colon)) {
      return name;
    }
    scratch_ = it->second.empty()
                   ? std::string(name.substr(colon + 1))
                   : it->second + std::string(name.substr(colon));
    return scratch_;
  }

  /// Each bound prefix with the canonical one its names read as
  /// ("m=media\n"), sorted: what the document's names meant.
  std::string bindings() const {
    std::vector<std::string> lines;
    for (const auto& [prefix, canonical] : canonical_) {
      lines.push_back(prefix + "=" + canonical + "\n");
    }
    std::sort(lines.begin(), lines.end());
    std::string all;
    for (const std::string& line : lines) {
      all += line;
    }
    return all;
  }

 private:
  // Declarations may sit on any element (<item xmlns:media="...">); the
  // first binding of a prefix wins.
  void collect_all(xml_node root) {
    for (xml_node node = root; node;) {
      for (pugi::xml_attribute a : node.attributes()) {
        const std::string_view name = a.name();
        if (name.starts_with("xmlns:")) {
          canonical_.try_emplace(std::string(name.substr(6)),
                                 canonical_prefix(a.value()));
        }
      }
      node = next_element(node, root);
    }
  }

  static xml_node next_element(xml_node node, xml_node root) {
    if (xml_node c = node.find_child(
            [](xml_node n) { return n.type() == pugi::node_element; })) {
      return c;
    }
    for (; node && node != root; node = node.parent()) {
      for (xml_node s = node.next_sibling(); s; s = s.next_sibling()) {
        if (s.type() == pugi::node_element) {
          return s;
        }
      }
    }
    return {};
  }

  std::string canonical_prefix(std::string_view uri) const {
    if (uri == own_) {
      return "";
    }
    static const std::pair<std::string_view, const char*> kKnown[] = {
        {"http://search.yahoo.com/mrss/", "media"},
        {"http://search.yahoo.com/mrss", "media"},
        {"http://purl.org/dc/elements/1.1/", "dc"},
        {"http://purl.org/dc/terms/", "dcterms"},
        {"http://purl.org/rss/1.0/modules/content/", "content"},
        {"http://www.itunes.com/dtds/podcast-1.0.dtd", "itunes"},
        {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
        {"http://www.w3.org/1999/xhtml", "xhtml"},
        {kAtom10, "atom"},
        {kAtom03, "atom"},
    };
    // Podcast feeds write the iTunes URI in any case
    // ("http://www.itunes.com/DTDs/PodCast-1.0.dtd").
    for (const auto& [known, prefix] : kKnown) {
      if (iequals(uri, known)) {
        return prefix;
      }
    }
    return "?";  // an unknown namespace never matches a name we look for
  }

  std::string own_;
  std::unordered_map<std::string, std::string> canonical_;
  mutable std::string scratch_;
};

/// Walks one feed document with its names and zone.
struct Context {
  const Names& names;
  const ParseOptions& options;
  std::string_view document_url;
  /// The xml:base in effect at each element asked about, so that an item's
  /// URLs do not each resolve the chain of bases up to the root again.
  mutable std::unordered_map<const void*, std::string> bases = {};
};

// Element names match in any case: feeds write <pubdate>, <TiTlE>, and
// readers (iTunes among them) accept them.
inline bool is_named(const Context& cx, xml_node node, std::string_view name) {
  return node.type() == pugi::node_element && iequals(cx.names.of(node), name);
}

inline xml_node child(const Context& cx, xml_node parent,
                      std::string_view name) {
  for (xml_node n : parent.children()) {
    if (is_named(cx, n, name)) {
      return n;
    }
  }
  return {};
}

template <class F>
void for_each_child(const Context& cx, xml_node parent, std::string_view name,
                    F f) {
  for (xml_node n : parent.children()) {
    if (is_named(cx, n, name)) {
      f(n);
    }
  }
}

std::string inner_text(xml_node node);
std::string plain_text(std::string_view text);
std::string child_text(const Context& cx, xml_node parent,
                       std::string_view name);
std::string_view local_name(std::string_view name);
std::string xhtml_inner(xml_node node);
std::string atom_html(xml_node node);
std::string atom_plain(xml_node node);
std::optional<UnixTime> first_date(
    const Context& cx, xml_node parent,
    std::initializer_list<std::string_view> names);
std::string xml_base_at(const Context& cx, xml_node node);
std::string first_nonempty(std::initializer_list<std::string_view> values);
/// Plain text as HTML: &, < and > escaped.
std::string html_from_text(std::string_view text);
std::string url_base(const Context& cx, xml_node node,
                     std::string_view fallback);
std::string resolve_at(const Context& cx, xml_node node,
                       std::string_view fallback, std::string_view reference);
std::string language_tag(std::string_view text);
bool looks_like_image_url(std::string_view url);
std::string itunes_image(const Context& cx, xml_node parent,
                         const std::string& fallback);
void collect_media(const Context& cx, xml_node entry,
                   const std::string& fallback, Item& item);
void add_enclosure(const Context& cx, xml_node node, std::string_view url_attr,
                   const std::string& fallback, Item& item);
void add_categories(const Context& cx, xml_node entry, Item& item);
std::string first_person(const Context& cx, xml_node entry,
                         std::initializer_list<std::string_view> names);
std::string first_plain_text(const Context& cx, xml_node parent,
                             std::initializer_list<std::string_view> names);
xml_node set_bodies(const Context& cx,
                    std::initializer_list<xml_node> summaries,
                    std::initializer_list<xml_node> contents, Item& item);
void parse_rss(const Context& cx, xml_node root, Feed& feed);
void parse_atom(const Context& cx, xml_node root, Feed& feed);

}  // namespace feedmark::parse_detail
