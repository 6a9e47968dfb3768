#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <pugixml.hpp>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "feedmark/decode/xml_repair.h"
#include "feedmark/html/text.h"
#include "feedmark/util/parallel.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "parse_detail.h"

namespace feedmark::parse_detail {
namespace {

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

}  // namespace

namespace {

using ItemParser = Item (*)(const Context&, xml_node, const Feed&);

// Items are independent once the feed's own fields are read: a 5,000-item
// feed spends most of its parse here, so the items are read on every core,
// each thread with its own copy of the context's caches.
void parse_items(const Context& cx, const std::vector<xml_node>& nodes,
                 ItemParser parse_item, Feed& feed) {
  std::vector<Item> items(nodes.size());
  // Chunks of at least 64 items, a few per core so that none waits long.
  const std::size_t chunks = std::min<std::size_t>(
      8 * std::max(1u, std::thread::hardware_concurrency()),
      nodes.size() / 64 + 1);
  parallel_for(chunks, 0, [&](std::size_t chunk) {
    const Names names = cx.names;
    const Context local{names, cx.options, cx.document_url};
    const std::size_t begin = nodes.size() * chunk / chunks;
    const std::size_t end = nodes.size() * (chunk + 1) / chunks;
    for (std::size_t i = begin; i < end; ++i) {
      items[i] = parse_item(local, nodes[i], feed);
      // pugixml knows where the element's name starts in the text it
      // parsed in place (-1 if it does not); its '<' is just before.
      const std::ptrdiff_t name = nodes[i].offset_debug();
      items[i].offset =
          name > 0 ? static_cast<std::size_t>(name - 1) : std::string::npos;
    }
  });
  feed.items.insert(feed.items.end(), std::make_move_iterator(items.begin()),
                    std::make_move_iterator(items.end()));
}

}  // namespace

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
  std::vector<xml_node> nodes;
  for (xml_node parent : {channel, root}) {
    if (parent) {
      for_each_child(cx, parent, "item",
                     [&](xml_node n) { nodes.push_back(n); });
    }
  }
  parse_items(cx, nodes, parse_rss_item, feed);
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
  std::vector<xml_node> nodes;
  for_each_child(cx, root, "entry", [&](xml_node n) { nodes.push_back(n); });
  parse_items(cx, nodes, parse_atom_entry, feed);
}

}  // namespace feedmark::parse_detail
