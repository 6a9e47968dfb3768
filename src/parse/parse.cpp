#include "feedmark/parse/parse.h"

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

namespace feedmark {
namespace {

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
};

// Element names match in any case: feeds write <pubdate>, <TiTlE>, and
// readers (iTunes among them) accept them.
bool is_named(const Context& cx, xml_node node, std::string_view name) {
  return node.type() == pugi::node_element && iequals(cx.names.of(node), name);
}

xml_node child(const Context& cx, xml_node parent, std::string_view name) {
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

// ---------------------------------------------------------------- text

struct StringWriter : pugi::xml_writer {
  std::string& out;
  explicit StringWriter(std::string& o) : out(o) {}
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

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

std::string html_from_text(std::string_view text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

std::string_view local_name(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

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

std::string xhtml_inner(xml_node node) {
  std::string out;
  for (xml_node c : node.children()) {
    append_xhtml(out, c);
  }
  return out;
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

// ---------------------------------------------------------------- URLs

/// The xml:base in effect at `node`: every xml:base from the root down,
/// each resolved against the one before (the outermost against the
/// document URL). Empty when no element up to here set one.
std::string xml_base_at(const Context& cx, xml_node node) {
  std::vector<std::string_view> bases;
  for (xml_node n = node; n; n = n.parent()) {
    if (const char* base = n.attribute("xml:base").value(); *base != '\0') {
      bases.push_back(base);
    }
  }
  std::string base;
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    std::string resolved = resolve_url(
        base.empty() ? cx.document_url : std::string_view(base), *it);
    if (!resolved.empty()) {
      base = std::move(resolved);
    }
  }
  return base;
}

std::string first_nonempty(std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) {
    if (!v.empty()) {
      return std::string(v);
    }
  }
  return {};
}

/// The base of a URL attribute of `node` (SPEC "Relative URLs"): the
/// xml:base in effect, else `fallback` (the item link, the feed link, the
/// document URL, whichever is known first).
std::string url_base(const Context& cx, xml_node node,
                     std::string_view fallback) {
  std::string base = xml_base_at(cx, node);
  return base.empty() ? std::string(fallback) : base;
}

std::string resolve_at(const Context& cx, xml_node node,
                       std::string_view fallback, std::string_view reference) {
  return resolve_url(url_base(cx, node, fallback), reference);
}

// "en_US" -> "en-US": BCP 47 separates subtags with hyphens.
std::string language_tag(std::string_view text) {
  std::string tag(trim(text));
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag;
}

// ---------------------------------------------------------------- media

bool looks_like_image_url(std::string_view url) {
  const std::string lower = ascii_lowercase(url.substr(0, url.find('?')));
  for (std::string_view ext :
       {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}) {
    if (lower.ends_with(ext)) {
      return true;
    }
  }
  return false;
}

// Media RSS: media:description and media:title describe the element they
// are in, or, placed in a media:group or the item, every media element
// there. `scopes` runs from the element outwards.
std::string media_caption(const Context& cx,
                          std::initializer_list<xml_node> scopes) {
  for (xml_node scope : scopes) {
    for (std::string_view name : {"media:description", "media:title"}) {
      if (std::string text = plain_text(inner_text(child(cx, scope, name)));
          !text.empty()) {
        return text;
      }
    }
  }
  return {};
}

void add_thumbnails(const Context& cx, xml_node parent,
                    const std::string& caption, const std::string& fallback,
                    Item& item) {
  for_each_child(cx, parent, "media:thumbnail", [&](xml_node n) {
    std::string url = resolve_at(cx, n, fallback, n.attribute("url").value());
    if (!url.empty()) {
      item.media.push_back({MediaImage::Kind::kThumbnail, std::move(url),
                            caption, n.attribute("width").as_int()});
    }
  });
}

bool is_media_image(xml_node node) {
  const std::string_view medium = node.attribute("medium").value();
  const std::string_view type = node.attribute("type").value();
  return medium == "image" || (medium.empty() && type.starts_with("image/")) ||
         (medium.empty() && type.empty() &&
          looks_like_image_url(node.attribute("url").value()));
}

void add_media_content(const Context& cx, xml_node node, xml_node group,
                       xml_node entry, const std::string& fallback,
                       Item& item) {
  std::string caption = media_caption(cx, {node, group, entry});
  // A video's preview: <media:content medium="video"><media:thumbnail/>.
  add_thumbnails(cx, node, caption, fallback, item);
  if (!is_media_image(node)) {
    return;
  }
  std::string url =
      resolve_at(cx, node, fallback, node.attribute("url").value());
  if (!url.empty()) {
    item.media.push_back({MediaImage::Kind::kContent, std::move(url),
                          std::move(caption),
                          node.attribute("width").as_int()});
  }
}

// itunes:image names its picture in href; feeds also write url="..." or the
// URL as text, and old ones <itunes:link rel="image" href="...">.
std::string itunes_image(const Context& cx, xml_node parent,
                         const std::string& fallback) {
  if (xml_node n = child(cx, parent, "itunes:image")) {
    std::string url = resolve_at(
        cx, n, fallback,
        first_nonempty({n.attribute("href").value(), n.attribute("url").value(),
                        trim(n.text().get())}));
    if (!url.empty()) {
      return url;
    }
  }
  for (xml_node n : parent.children()) {
    if (is_named(cx, n, "itunes:link") &&
        std::string_view(n.attribute("rel").value()) == "image") {
      if (std::string url =
              resolve_at(cx, n, fallback, n.attribute("href").value());
          !url.empty()) {
        return url;
      }
    }
  }
  return {};
}

/// Every image the entry names outside its body (SPEC "Image"), each with
/// its caption; `fallback` is the base when no xml:base applies.
void collect_media(const Context& cx, xml_node entry,
                   const std::string& fallback, Item& item) {
  for_each_child(cx, entry, "media:content", [&](xml_node n) {
    add_media_content(cx, n, {}, entry, fallback, item);
  });
  for_each_child(cx, entry, "media:group", [&](xml_node group) {
    for_each_child(cx, group, "media:content", [&](xml_node n) {
      add_media_content(cx, n, group, entry, fallback, item);
    });
    add_thumbnails(cx, group, media_caption(cx, {group, entry}), fallback,
                   item);
  });
  add_thumbnails(cx, entry, media_caption(cx, {entry}), fallback, item);
  add_image_enclosures(item);
  if (std::string url = itunes_image(cx, entry, fallback); !url.empty()) {
    item.media.push_back({MediaImage::Kind::kItunes, std::move(url), {}, 0});
  }
}

std::optional<std::int64_t> parse_length(std::string_view text) {
  std::int64_t value = 0;
  text = trim(text);
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

void add_enclosure(const Context& cx, xml_node node, std::string_view url_attr,
                   const std::string& fallback, Item& item) {
  std::string url =
      resolve_at(cx, node, fallback, node.attribute(url_attr.data()).value());
  if (!url.empty()) {
    item.enclosures.push_back({std::move(url), node.attribute("type").value(),
                               parse_length(node.attribute("length").value())});
  }
}

// ---------------------------------------------------------------- shared

/// An item's categories, each term once, in the order first seen.
class Categories {
 public:
  explicit Categories(std::vector<std::string>& terms) : terms_(terms) {}
  void add(std::string term) {
    if (!term.empty() && seen_.insert(term).second) {
      terms_.push_back(std::move(term));
    }
  }

 private:
  std::vector<std::string>& terms_;
  std::unordered_set<std::string> seen_;
};

// "news, politics,daily" -> three terms.
void add_category_list(std::string_view list, Categories& categories) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    categories.add(collapse_whitespace(list.substr(0, comma)));
    list.remove_prefix(comma == std::string_view::npos ? list.size()
                                                       : comma + 1);
  }
}

// <itunes:category text="Technology"><itunes:category text="Gadgets"/>
void add_itunes_category(const Context& cx, xml_node node,
                         Categories& categories, int depth = 0) {
  categories.add(collapse_whitespace(node.attribute("text").value()));
  if (depth < 8) {
    for_each_child(cx, node, "itunes:category", [&](xml_node n) {
      add_itunes_category(cx, n, categories, depth + 1);
    });
  }
}

/// Every way feeds tag an entry, in document order, each term once: RSS and
/// Atom categories (term, else label, else text), dc:subject,
/// media:category, itunes:category with its subcategories, and the
/// comma-separated itunes:keywords and <tags>.
void add_categories(const Context& cx, xml_node entry, Item& item) {
  Categories categories(item.categories);
  for (xml_node n : entry.children()) {
    if (is_named(cx, n, "category") || is_named(cx, n, "atom:category") ||
        is_named(cx, n, "dc:subject") || is_named(cx, n, "media:category")) {
      categories.add(first_nonempty({n.attribute("term").value(),
                                     n.attribute("label").value(),
                                     plain_text(inner_text(n))}));
    } else if (is_named(cx, n, "itunes:category")) {
      add_itunes_category(cx, n, categories);
    } else if (is_named(cx, n, "itunes:keywords") || is_named(cx, n, "tags")) {
      add_category_list(plain_text(inner_text(n)), categories);
    }
  }
}

/// A person element as one name: <name>, else <email>, else its text.
std::string person(const Context& cx, xml_node node) {
  return collapse_whitespace(first_nonempty(
      {child_text(cx, node, "name"), child_text(cx, node, "atom:name"),
       child_text(cx, node, "email"), child_text(cx, node, "atom:email"),
       trim(inner_text(node))}));
}

std::string first_person(const Context& cx, xml_node entry,
                         std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (xml_node n = child(cx, entry, name)) {
      if (std::string who = person(cx, n); !who.empty()) {
        return who;
      }
    }
  }
  return {};
}

std::string first_plain_text(const Context& cx, xml_node parent,
                             std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (std::string text = plain_text(inner_text(child(cx, parent, name)));
        !text.empty()) {
      return text;
    }
  }
  return {};
}

/// The HTML an element holds, whatever the vocabulary: an Atom text
/// construct (also atom:content inside RSS), an XHTML <body>, or RSS text.
std::string html_of(const Context& cx, xml_node node) {
  if (!node) {
    return {};
  }
  const xml_node root = node.root().find_child(
      [](xml_node n) { return n.type() == pugi::node_element; });
  const bool atom_feed = local_name(root.name()) == "feed";
  const std::string_view name = cx.names.of(node);
  if (atom_feed || name.starts_with("atom:")) {
    // <content src="..."> points elsewhere: nothing to show here.
    return *node.attribute("src").value() ? std::string() : atom_html(node);
  }
  return iequals(local_name(name), "body") ? xhtml_inner(node)
                                           : inner_text(node);
}

/// The first of `nodes` that holds some HTML, with that HTML.
std::pair<xml_node, std::string> first_html(
    const Context& cx, std::initializer_list<xml_node> nodes) {
  for (xml_node n : nodes) {
    if (std::string html = html_of(cx, n); !trim(html).empty()) {
      return {n, std::move(html)};
    }
  }
  return {};
}

/// Fills the item's summary and content; returns the element whose HTML is
/// the body (content, else summary), for its xml:base.
xml_node set_bodies(const Context& cx,
                    std::initializer_list<xml_node> summaries,
                    std::initializer_list<xml_node> contents, Item& item) {
  auto [summary, summary_html] = first_html(cx, summaries);
  auto [content, content_html] = first_html(cx, contents);
  item.summary_html = std::move(summary_html);
  item.content_html = std::move(content_html);
  return content ? content : summary;
}

// ---------------------------------------------------------------- RSS

// RSS 2.0 has one <description>; some feeds put a <summary> beside it. The
// first of the two is the summary and, when nothing else holds the full
// text, the second is the content.
std::pair<xml_node, xml_node> description_and_summary(const Context& cx,
                                                      xml_node entry) {
  xml_node first, second;
  for (xml_node n : entry.children()) {
    if (is_named(cx, n, "description") || is_named(cx, n, "summary")) {
      if (!first) {
        first = n;
      } else if (!second && !iequals(n.name(), first.name())) {
        second = n;
      }
    }
  }
  return {first, second};
}

// The first <link> with text; else one with an href, Atom style without
// the namespace (<link href="https://..."/>).
std::string rss_link(const Context& cx, xml_node parent) {
  std::string href;
  for (xml_node n : parent.children()) {
    if (is_named(cx, n, "link")) {
      const std::string text = inner_text(n);
      if (!trim(text).empty()) {
        return std::string(trim(text));
      }
      if (href.empty()) {
        href = trim(n.attribute("href").value());
      }
    }
  }
  return href;
}

std::string atom_alternate_href(const Context& cx, xml_node parent) {
  for (xml_node n : parent.children()) {
    const std::string_view rel = n.attribute("rel").value();
    if (is_named(cx, n, "atom:link") && (rel.empty() || rel == "alternate")) {
      return n.attribute("href").value();
    }
  }
  return {};
}

// Item link, else a permalink guid (RSS 2.0 §guid: isPermaLink defaults to
// true), else an atom:link alternate, else RSS 1.0's rdf:about.
std::string rss_item_link(const Context& cx, xml_node entry) {
  if (std::string link = rss_link(cx, entry); !link.empty()) {
    return link;
  }
  if (xml_node guid = child(cx, entry, "guid")) {
    const std::string_view permalink = guid.attribute("isPermaLink").value();
    const std::string value(trim(inner_text(guid)));
    if (permalink != "false" && is_http_url(value)) {
      return value;
    }
  }
  return first_nonempty(
      {atom_alternate_href(cx, entry), entry.attribute("rdf:about").value()});
}

xml_node set_rss_bodies(const Context& cx, xml_node entry, Item& item) {
  const auto [first, second] = description_and_summary(cx, entry);
  return set_bodies(
      cx,
      {first, child(cx, entry, "dc:description"),
       child(cx, entry, "itunes:summary"), child(cx, entry, "atom:summary"),
       child(cx, entry, "itunes:subtitle")},
      // <xhtml:body>, or a bare <body> of markup (with or without the XHTML
      // namespace), both seen in RSS 2.0 feeds.
      {child(cx, entry, "content:encoded"), child(cx, entry, "xhtml:body"),
       child(cx, entry, "body"), child(cx, entry, "fullitem"),
       child(cx, entry, "atom:content"), second},
      item);
}

Item parse_rss_item(const Context& cx, xml_node entry, const Feed& feed) {
  Item item;
  const std::string xml_base = xml_base_at(cx, entry);
  // RSS 1.0 names each item by its rdf:about URI.
  item.guid = first_nonempty({child_text(cx, entry, "guid"),
                              child_text(cx, entry, "dc:identifier"),
                              trim(entry.attribute("rdf:about").value())});
  item.title = first_plain_text(
      cx, entry, {"title", "dc:title", "itunes:title", "media:title"});
  item.link =
      resolve_url(first_nonempty({xml_base, feed.link, cx.document_url}),
                  rss_item_link(cx, entry));
  item.published = first_date(cx, entry,
                              {"pubDate", "dc:date", "dcterms:issued",
                               "dcterms:created", "atom:published"});
  item.updated = first_date(
      cx, entry, {"atom:updated", "dcterms:modified", "lastBuildDate"});
  item.author = plain_text(first_person(
      cx, entry,
      {"author", "dc:creator", "dc:author", "itunes:author", "atom:author"}));
  add_categories(cx, entry, item);
  const xml_node body = set_rss_bodies(cx, entry, item);
  const std::string fallback =
      first_nonempty({item.link, feed.link, cx.document_url});
  item.base = url_base(cx, body ? body : entry, fallback);
  for_each_child(cx, entry, "enclosure", [&](xml_node n) {
    add_enclosure(cx, n, "url", fallback, item);
  });
  collect_media(cx, entry, fallback, item);
  return item;
}

void parse_rss_channel(const Context& cx, xml_node channel, Feed& feed) {
  const std::string base =
      first_nonempty({xml_base_at(cx, channel), cx.document_url});
  feed.title = first_plain_text(cx, channel, {"title", "dc:title"});
  feed.link =
      resolve_url(base, first_nonempty({rss_link(cx, channel),
                                        atom_alternate_href(cx, channel)}));
  feed.description = first_plain_text(
      cx, channel,
      {"description", "dc:description", "itunes:summary", "itunes:subtitle"});
  feed.language =
      language_tag(first_nonempty({child_text(cx, channel, "language"),
                                   child_text(cx, channel, "dc:language")}));
  feed.updated = first_date(cx, channel,
                            {"lastBuildDate", "pubDate", "dc:date",
                             "dcterms:modified", "atom:updated"});
  for_each_child(cx, channel, "atom:link", [&](xml_node n) {
    if (std::string_view(n.attribute("rel").value()) == "self" &&
        feed.self_link.empty()) {
      feed.self_link = resolve_at(cx, n, base, n.attribute("href").value());
    }
  });
  const std::string image_base = first_nonempty({feed.link, base});
  if (xml_node image = child(cx, channel, "image")) {
    feed.image =
        resolve_at(cx, image, image_base,
                   first_nonempty({child_text(cx, image, "url"),
                                   image.attribute("rdf:resource").value()}));
  }
  if (feed.image.empty()) {
    feed.image = itunes_image(cx, channel, image_base);
  }
  // A logo given the Media RSS way: <channel><media:thumbnail url="..."/>.
  if (feed.image.empty()) {
    Item channel_media;
    collect_media(cx, channel, image_base, channel_media);
    if (!channel_media.media.empty()) {
      feed.image = channel_media.media.front().url;
    }
  }
}

void parse_rss(const Context& cx, xml_node root, Feed& feed) {
  xml_node channel = child(cx, root, "channel");
  if (channel) {
    parse_rss_channel(cx, channel, feed);
  }
  // RSS 0.90 and 1.0 put <image><url> beside the channel.
  if (xml_node image = child(cx, root, "image"); image && feed.image.empty()) {
    feed.image =
        resolve_at(cx, image, first_nonempty({feed.link, cx.document_url}),
                   child_text(cx, image, "url"));
  }
  // RSS 2.0 puts items in the channel, RSS 1.0 and 0.90 beside it.
  for (xml_node parent : {channel, root}) {
    if (parent) {
      for_each_child(cx, parent, "item", [&](xml_node n) {
        feed.items.push_back(parse_rss_item(cx, n, feed));
      });
    }
  }
}

// ---------------------------------------------------------------- Atom

std::string atom_link(const Context& cx, xml_node parent, std::string_view rel,
                      std::string_view fallback) {
  for (xml_node n : parent.children()) {
    if (!is_named(cx, n, "link")) {
      continue;
    }
    const std::string_view r = n.attribute("rel").value();
    if (r == rel || (r.empty() && rel == "alternate")) {
      // Atom 0.3 era feeds put the URL in the text: <link
      // rel="alternate">URL</link>
      std::string url = resolve_at(
          cx, n, fallback,
          first_nonempty({n.attribute("href").value(), trim(inner_text(n))}));
      if (!url.empty()) {
        return url;
      }
    }
  }
  return {};
}

// RFC 4287 §4.2.6 wants an absolute IRI; an id written as a path
// ("/2004/05/post") names a page of the site, so it resolves like a link.
std::string atom_id(const Context& cx, xml_node entry,
                    std::string_view fallback) {
  xml_node id = child(cx, entry, "id");
  std::string value(trim(inner_text(id)));
  if (value.starts_with('/') && !value.starts_with("//")) {
    if (std::string url = resolve_at(cx, id, fallback, value); !url.empty()) {
      return url;
    }
  }
  return value;
}

Item parse_atom_entry(const Context& cx, xml_node entry, const Feed& feed) {
  Item item;
  const std::string feed_fallback =
      first_nonempty({feed.link, cx.document_url});
  if (xml_node title = child(cx, entry, "title")) {
    item.title = atom_plain(title);
  }
  item.link = atom_link(cx, entry, "alternate", feed_fallback);
  const std::string fallback = first_nonempty({item.link, feed_fallback});
  item.guid = atom_id(cx, entry, fallback);
  item.published =
      first_date(cx, entry, {"published", "issued", "created", "dc:date"});
  item.updated = first_date(cx, entry, {"updated", "modified"});
  item.author = first_person(cx, entry, {"author", "dc:creator"});
  add_categories(cx, entry, item);
  const xml_node body = set_bodies(cx, {child(cx, entry, "summary")},
                                   {child(cx, entry, "content")}, item);
  for_each_child(cx, entry, "link", [&](xml_node n) {
    if (std::string_view(n.attribute("rel").value()) == "enclosure") {
      add_enclosure(cx, n, "href", fallback, item);
    }
  });
  item.base = url_base(cx, body ? body : entry, fallback);
  collect_media(cx, entry, fallback, item);
  return item;
}

void parse_atom(const Context& cx, xml_node root, Feed& feed) {
  const std::string base =
      first_nonempty({xml_base_at(cx, root), cx.document_url});
  if (xml_node title = child(cx, root, "title")) {
    feed.title = atom_plain(title);
  }
  feed.link = atom_link(cx, root, "alternate", base);
  feed.self_link = atom_link(cx, root, "self", base);
  for (std::string_view name : {"subtitle", "tagline"}) {
    if (xml_node n = child(cx, root, name); n && feed.description.empty()) {
      feed.description = atom_plain(n);
    }
  }
  feed.language = language_tag(root.attribute("xml:lang").value());
  feed.updated = first_date(cx, root, {"updated", "modified"});
  for (std::string_view name : {"logo", "icon"}) {
    if (xml_node n = child(cx, root, name); n && feed.image.empty()) {
      feed.image = resolve_at(cx, n, base, trim(inner_text(n)));
    }
  }
  for_each_child(cx, root, "entry", [&](xml_node n) {
    feed.items.push_back(parse_atom_entry(cx, n, feed));
  });
}

// ---------------------------------------------------------------- detection

std::string_view namespace_of(xml_node node) {
  const std::string_view name = node.name();
  const auto colon = name.find(':');
  const std::string attr = colon == std::string_view::npos
                               ? std::string("xmlns")
                               : "xmlns:" + std::string(name.substr(0, colon));
  return node.attribute(attr.c_str()).value();
}

std::optional<Format> detect_format(xml_node root) {
  const std::string_view local = local_name(root.name());
  const std::string_view ns = namespace_of(root);
  if (local == "rss") {
    const std::string_view version = root.attribute("version").value();
    return version.starts_with("0.9") ? Format::kRss09x : Format::kRss20;
  }
  if (local == "RDF") {
    return std::string_view(root.attribute("xmlns").value()) == kRss090
               ? Format::kRss09x
               : Format::kRss10;
  }
  if (local == "feed") {
    return ns == kAtom03 ||
                   std::string_view(root.attribute("version").value()) == "0.3"
               ? Format::kAtom03
               : Format::kAtom10;
  }
  return std::nullopt;
}

// RSS 0.90 and 1.0 are told apart by the default namespace of rdf:RDF.
std::string_view own_namespace(Format format, xml_node root) {
  switch (format) {
    case Format::kAtom10:
      return kAtom10;
    case Format::kAtom03:
      return kAtom03;
    case Format::kRss10:
      return kRss10;
    case Format::kRss20:
      // UserLand's namespaced RSS 2.0: <r:rss
      // xmlns:r="http://backend.userland.com/rss2">
      return namespace_of(root);
    case Format::kRss09x:
      return std::string_view(root.attribute("xmlns").value()) == kRss090
                 ? kRss090
                 : "";
    default:
      return "";
  }
}

std::string describe_non_feed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return "empty document";
  }
  const std::string_view head = text.substr(first);
  if (istarts_with(head, "<!doctype html") || istarts_with(head, "<html")) {
    return "not a feed: an HTML page";
  }
  return {};
}

std::string describe_root(xml_node root) {
  if (!root) {
    return "not a feed: no XML element";
  }
  if (iequals(local_name(root.name()), "html")) {
    return "not a feed: an HTML page";
  }
  return fmt::format("not a feed: root element <{}>", root.name());
}

std::string unreadable_rest(const pugi::xml_parse_result& parsed,
                            bool repaired) {
  return fmt::format("byte {}{}: {}; ignored the rest of the document",
                     parsed.offset, repaired ? " of the repaired text" : "",
                     parsed.description());
}

}  // namespace

void add_image_enclosures(Item& item) {
  for (const Enclosure& e : item.enclosures) {
    if (e.type.starts_with("image/") ||
        (e.type.empty() && looks_like_image_url(e.url))) {
      item.media.push_back({MediaImage::Kind::kEnclosure, e.url, {}, 0});
    }
  }
}

const char* format_name(Format format) {
  switch (format) {
    case Format::kRss20:
      return "rss2.0";
    case Format::kRss10:
      return "rss1.0";
    case Format::kRss09x:
      return "rss0.9x";
    case Format::kAtom10:
      return "atom1.0";
    case Format::kAtom03:
      return "atom0.3";
    case Format::kJsonFeed:
      return "jsonfeed";
  }
  return "rss2.0";
}

Result<Feed> parse_feed(Document&& document, const std::string& source,
                        const ParseOptions& options) {
  if (looks_like_json(document.utf8)) {
    Result<Feed> feed =
        parse_json_feed(document.utf8, source, document.base_url, options);
    if (feed) {
      feed->encoding = std::move(document.encoding);
      feed->warnings = std::move(document.warnings);
      feed->well_formed = feed->warnings.empty();
    }
    return feed;
  }
  if (std::string why = describe_non_feed(document.utf8); !why.empty()) {
    return fail("parse", source, why);
  }
  // A well-formed document is parsed in place as it is; an ill-formed one
  // is repaired first, and what pugixml still rejects ends the document.
  XmlRepair repair = repair_xml(document.utf8);
  std::string& text = repair.changed ? repair.text : document.utf8;
  pugi::xml_document xml;
  const pugi::xml_parse_result parsed = xml.load_buffer_inplace(
      text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata,
      pugi::encoding_utf8);
  const xml_node root = xml.document_element();
  const std::optional<Format> format = detect_format(root);
  if (!format) {
    return fail("parse", source, describe_root(root));
  }
  Feed feed;
  feed.format = *format;
  feed.encoding = std::move(document.encoding);
  feed.warnings = std::move(document.warnings);
  feed.warnings.insert(feed.warnings.end(),
                       std::make_move_iterator(repair.warnings.begin()),
                       std::make_move_iterator(repair.warnings.end()));
  if (!parsed) {
    feed.warnings.push_back(unreadable_rest(parsed, repair.changed));
  }
  feed.well_formed = feed.warnings.empty();
  const Names names(root, own_namespace(*format, root));
  const Context cx{names, options, document.base_url};
  if (*format == Format::kAtom10 || *format == Format::kAtom03) {
    parse_atom(cx, root, feed);
  } else {
    parse_rss(cx, root, feed);
  }
  const bool repaired = repair.changed || !parsed;
  if (repaired && feed.title.empty() && feed.link.empty() &&
      feed.items.empty()) {
    return fail("parse", source,
                fmt::format("not well-formed XML, nothing recovered ({})",
                            feed.warnings.front()));
  }
  return feed;
}

}  // namespace feedmark
