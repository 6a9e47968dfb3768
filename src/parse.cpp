#include "feedmark/parse.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <pugixml.hpp>
#include <string_view>
#include <unordered_map>

#include "feedmark/html.h"
#include "feedmark/text.h"
#include "feedmark/url.h"
#include "feedmark/xml_repair.h"

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
    for (const auto& [known, prefix] : kKnown) {
      if (uri == known) {
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

xml_node child(const Context& cx, xml_node parent, std::string_view name) {
  for (xml_node n : parent.children()) {
    if (n.type() == pugi::node_element && cx.names.of(n) == name) {
      return n;
    }
  }
  return {};
}

xml_node first_child_of(const Context& cx, xml_node parent,
                        std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (xml_node n = child(cx, parent, name)) {
      return n;
    }
  }
  return {};
}

template <class F>
void for_each_child(const Context& cx, xml_node parent, std::string_view name,
                    F f) {
  for (xml_node n : parent.children()) {
    if (n.type() == pugi::node_element && cx.names.of(n) == name) {
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

// XHTML content as HTML: <xhtml:b> becomes <b>, so the HTML parser after
// us sees ordinary elements; namespace declarations are dropped.
void append_xhtml(std::string& out, xml_node node) {
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
  for (xml_node c : node.children()) {
    append_xhtml(out, c);
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
    return inner_text(node);
  }
  return html_from_text(inner_text(node));
}

std::string atom_plain(xml_node node) {
  const std::string_view type = node.attribute("type").value();
  if (type.empty() || type == "text" || type == "text/plain") {
    return collapse_whitespace(inner_text(node));
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

/// The xml:base in effect at `node`: its own, resolved, else `inherited`.
/// Empty when no element up to here set one.
std::string base_of(const Context& cx, xml_node node,
                    const std::string& inherited) {
  const char* base = node.attribute("xml:base").value();
  if (*base == '\0') {
    return inherited;
  }
  std::string resolved = resolve_url(
      inherited.empty() ? cx.document_url : std::string_view(inherited), base);
  return resolved.empty() ? inherited : resolved;
}

// "en_US" -> "en-US": BCP 47 separates subtags with hyphens.
std::string language_tag(std::string_view text) {
  std::string tag(trim(text));
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag;
}

std::string first_nonempty(std::initializer_list<std::string_view> values) {
  for (std::string_view v : values) {
    if (!v.empty()) {
      return std::string(v);
    }
  }
  return {};
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

std::string media_caption(const Context& cx, xml_node node) {
  for (std::string_view name : {"media:description", "media:title"}) {
    if (xml_node n = child(cx, node, name)) {
      if (std::string text = plain_text(inner_text(n)); !text.empty()) {
        return text;
      }
    }
  }
  return {};
}

void add_media_content(const Context& cx, xml_node node, xml_node group,
                       const std::string& base, Item& item) {
  const std::string_view medium = node.attribute("medium").value();
  const std::string_view type = node.attribute("type").value();
  const std::string_view url = node.attribute("url").value();
  const bool image =
      medium == "image" || type.starts_with("image/") ||
      (medium.empty() && type.empty() && looks_like_image_url(url));
  if (!image || url.empty()) {
    return;
  }
  MediaImage m{MediaImage::Kind::kContent, resolve_url(base, url),
               media_caption(cx, node), node.attribute("width").as_int()};
  if (m.caption.empty() && group) {
    m.caption = media_caption(cx, group);
  }
  if (!m.url.empty()) {
    item.media.push_back(std::move(m));
  }
}

void add_thumbnails(const Context& cx, xml_node parent, const std::string& base,
                    Item& item) {
  for_each_child(cx, parent, "media:thumbnail", [&](xml_node n) {
    std::string url = resolve_url(base, n.attribute("url").value());
    if (!url.empty()) {
      item.media.push_back({MediaImage::Kind::kThumbnail, std::move(url),
                            media_caption(cx, parent),
                            n.attribute("width").as_int()});
    }
  });
}

void collect_media(const Context& cx, xml_node entry, const std::string& base,
                   Item& item) {
  for_each_child(cx, entry, "media:content",
                 [&](xml_node n) { add_media_content(cx, n, {}, base, item); });
  for_each_child(cx, entry, "media:group", [&](xml_node group) {
    for_each_child(cx, group, "media:content", [&](xml_node n) {
      add_media_content(cx, n, group, base, item);
    });
    add_thumbnails(cx, group, base, item);
  });
  add_thumbnails(cx, entry, base, item);
  for (const Enclosure& e : item.enclosures) {
    if (e.type.starts_with("image/") ||
        (e.type.empty() && looks_like_image_url(e.url))) {
      item.media.push_back({MediaImage::Kind::kEnclosure, e.url, {}, 0});
    }
  }
  if (xml_node n = child(cx, entry, "itunes:image")) {
    std::string url = resolve_url(
        base,
        first_nonempty({n.attribute("href").value(), trim(n.text().get())}));
    if (!url.empty()) {
      item.media.push_back({MediaImage::Kind::kItunes, std::move(url), {}, 0});
    }
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

// ---------------------------------------------------------------- RSS

void add_categories(const Context& cx, xml_node entry, Item& item) {
  for (std::string_view name : {"category", "dc:subject"}) {
    for_each_child(cx, entry, name, [&](xml_node n) {
      std::string term = plain_text(inner_text(n));
      if (term.empty()) {
        term = n.attribute("term").value();
      }
      if (!term.empty()) {
        item.categories.push_back(std::move(term));
      }
    });
  }
}

// Item link, else a permalink guid (RSS 2.0 §guid: isPermaLink defaults to
// true), else an atom:link alternate.
std::string rss_item_link(const Context& cx, xml_node entry) {
  std::string link = child_text(cx, entry, "link");
  if (!link.empty()) {
    return link;
  }
  if (xml_node guid = child(cx, entry, "guid")) {
    const std::string_view permalink = guid.attribute("isPermaLink").value();
    const std::string value(trim(inner_text(guid)));
    if (permalink != "false" && is_http_url(value)) {
      return value;
    }
  }
  for (xml_node n : entry.children()) {
    if (cx.names.of(n) == "atom:link" &&
        (std::string_view(n.attribute("rel").value()).empty() ||
         std::string_view(n.attribute("rel").value()) == "alternate")) {
      return n.attribute("href").value();
    }
  }
  return first_nonempty({entry.attribute("rdf:about").value()});
}

Item parse_rss_item(const Context& cx, xml_node entry, const Feed& feed,
                    const std::string& feed_base) {
  Item item;
  const std::string base = base_of(cx, entry, feed_base);
  // RSS 1.0 names each item by its rdf:about URI.
  item.guid = first_nonempty({child_text(cx, entry, "guid"),
                              child_text(cx, entry, "dc:identifier"),
                              trim(entry.attribute("rdf:about").value())});
  item.title = plain_text(inner_text(child(cx, entry, "title")));
  if (item.title.empty()) {
    item.title = plain_text(inner_text(child(cx, entry, "dc:title")));
  }
  item.link = resolve_url(first_nonempty({base, feed.link, cx.document_url}),
                          rss_item_link(cx, entry));
  item.published = first_date(cx, entry,
                              {"pubDate", "dc:date", "dcterms:issued",
                               "dcterms:created", "atom:published"});
  item.updated = first_date(
      cx, entry, {"atom:updated", "dcterms:modified", "lastBuildDate"});
  item.author = plain_text(first_nonempty(
      {child_text(cx, entry, "author"), child_text(cx, entry, "dc:creator"),
       child_text(cx, entry, "dc:author"),
       child_text(cx, entry, "itunes:author")}));
  add_categories(cx, entry, item);
  item.summary_html = inner_text(child(cx, entry, "description"));
  if (item.summary_html.empty()) {
    item.summary_html = inner_text(child(cx, entry, "dc:description"));
  }
  // <xhtml:body>, or a bare <body> of markup (with or without the XHTML
  // namespace), both seen in RSS 2.0 feeds.
  const xml_node content = first_child_of(
      cx, entry, {"content:encoded", "xhtml:body", "body", "fullitem"});
  item.content_html = local_name(content.name()) == "body"
                          ? xhtml_inner(content)
                          : inner_text(content);
  item.base = first_nonempty({content ? base_of(cx, content, base) : base,
                              item.link, feed.link, cx.document_url});
  for_each_child(cx, entry, "enclosure", [&](xml_node n) {
    std::string url = resolve_url(item.base, n.attribute("url").value());
    if (!url.empty()) {
      item.enclosures.push_back({std::move(url), n.attribute("type").value(),
                                 parse_length(n.attribute("length").value())});
    }
  });
  collect_media(cx, entry, item.base, item);
  return item;
}

void parse_rss_channel(const Context& cx, xml_node channel,
                       const std::string& base, Feed& feed) {
  feed.title = plain_text(
      inner_text(first_child_of(cx, channel, {"title", "dc:title"})));
  feed.link = resolve_url(first_nonempty({base, cx.document_url}),
                          child_text(cx, channel, "link"));
  feed.description = plain_text(inner_text(child(cx, channel, "description")));
  feed.language =
      language_tag(first_nonempty({child_text(cx, channel, "language"),
                                   child_text(cx, channel, "dc:language")}));
  feed.updated = first_date(cx, channel,
                            {"lastBuildDate", "pubDate", "dc:date",
                             "dcterms:modified", "atom:updated"});
  for_each_child(cx, channel, "atom:link", [&](xml_node n) {
    if (std::string_view(n.attribute("rel").value()) == "self" &&
        feed.self_link.empty()) {
      feed.self_link = resolve_url(first_nonempty({base, cx.document_url}),
                                   n.attribute("href").value());
    }
  });
  if (xml_node image = child(cx, channel, "image")) {
    feed.image =
        resolve_url(first_nonempty({base, feed.link}),
                    first_nonempty({child_text(cx, image, "url"),
                                    image.attribute("rdf:resource").value()}));
  }
  if (xml_node image = child(cx, channel, "itunes:image");
      image && feed.image.empty()) {
    feed.image = resolve_url(first_nonempty({base, feed.link}),
                             image.attribute("href").value());
  }
}

void parse_rss(const Context& cx, xml_node root, Feed& feed) {
  const std::string root_base = base_of(cx, root, {});
  xml_node channel = child(cx, root, "channel");
  const std::string base =
      channel ? base_of(cx, channel, root_base) : root_base;
  if (channel) {
    parse_rss_channel(cx, channel, base, feed);
  }
  // RSS 0.90 and 1.0 put <image><url> beside the channel.
  if (xml_node image = child(cx, root, "image"); image && feed.image.empty()) {
    feed.image = resolve_url(first_nonempty({base, feed.link}),
                             child_text(cx, image, "url"));
  }
  // RSS 2.0 puts items in the channel, RSS 1.0 and 0.90 beside it.
  for (xml_node parent : {channel, root}) {
    if (parent) {
      for_each_child(cx, parent, "item", [&](xml_node n) {
        feed.items.push_back(parse_rss_item(cx, n, feed, base));
      });
    }
  }
}

// ---------------------------------------------------------------- Atom

std::string atom_link(const Context& cx, xml_node parent, std::string_view rel,
                      const std::string& base) {
  for (xml_node n : parent.children()) {
    if (cx.names.of(n) != "link") {
      continue;
    }
    const std::string_view r = n.attribute("rel").value();
    if (r == rel || (r.empty() && rel == "alternate")) {
      // Atom 0.3 era feeds put the URL in the text: <link
      // rel="alternate">URL</link>
      std::string url = resolve_url(
          base_of(cx, n, base),
          first_nonempty({n.attribute("href").value(), trim(inner_text(n))}));
      if (!url.empty()) {
        return url;
      }
    }
  }
  return {};
}

std::string atom_author(const Context& cx, xml_node entry) {
  for (std::string_view name : {"author", "dc:creator"}) {
    if (xml_node a = child(cx, entry, name)) {
      const std::string who =
          first_nonempty({child_text(cx, a, "name"), child_text(cx, a, "email"),
                          trim(inner_text(a))});
      if (!who.empty()) {
        return collapse_whitespace(who);
      }
    }
  }
  return {};
}

Item parse_atom_entry(const Context& cx, xml_node entry, const Feed& feed,
                      const std::string& feed_base) {
  Item item;
  const std::string base = base_of(cx, entry, feed_base);
  item.guid = std::string(trim(inner_text(child(cx, entry, "id"))));
  if (xml_node title = child(cx, entry, "title")) {
    item.title = atom_plain(title);
  }
  item.link =
      atom_link(cx, entry, "alternate", first_nonempty({base, feed.link}));
  item.published =
      first_date(cx, entry, {"published", "issued", "created", "dc:date"});
  item.updated = first_date(cx, entry, {"updated", "modified"});
  item.author = atom_author(cx, entry);
  for_each_child(cx, entry, "category", [&](xml_node n) {
    std::string term =
        first_nonempty({n.attribute("term").value(),
                        n.attribute("label").value(), trim(inner_text(n))});
    if (!term.empty()) {
      item.categories.push_back(std::move(term));
    }
  });
  if (xml_node summary = child(cx, entry, "summary")) {
    item.summary_html = atom_html(summary);
  }
  xml_node content = child(cx, entry, "content");
  if (content && *content.attribute("src").value() == '\0') {
    item.content_html = atom_html(content);
  }
  for_each_child(cx, entry, "link", [&](xml_node n) {
    if (std::string_view(n.attribute("rel").value()) == "enclosure") {
      std::string url = resolve_url(
          base_of(
              cx, n,
              first_nonempty({base, item.link, feed.link, cx.document_url})),
          n.attribute("href").value());
      if (!url.empty()) {
        item.enclosures.push_back(
            {std::move(url), n.attribute("type").value(),
             parse_length(n.attribute("length").value())});
      }
    }
  });
  item.base = first_nonempty({content ? base_of(cx, content, base) : base,
                              item.link, feed.link, cx.document_url});
  collect_media(cx, entry, item.base, item);
  return item;
}

void parse_atom(const Context& cx, xml_node root, Feed& feed) {
  const std::string xml_base = base_of(cx, root, {});
  const std::string base = first_nonempty({xml_base, cx.document_url});
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
  feed.image =
      resolve_url(base, first_nonempty({child_text(cx, root, "logo"),
                                        child_text(cx, root, "icon")}));
  for_each_child(cx, root, "entry", [&](xml_node n) {
    feed.items.push_back(parse_atom_entry(cx, n, feed, xml_base));
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
  if (text[first] == '{' || text[first] == '[') {
    return "not a feed: JSON, not XML";
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
  }
  return "rss2.0";
}

Result<Feed> parse_feed(Document&& document, const std::string& source,
                        const ParseOptions& options) {
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
