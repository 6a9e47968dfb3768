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

/// A person element as one name: <name>, else <email>, else its text.
std::string person(const Context& cx, xml_node node) {
  return collapse_whitespace(first_nonempty(
      {child_text(cx, node, "name"), child_text(cx, node, "atom:name"),
       child_text(cx, node, "email"), child_text(cx, node, "atom:email"),
       trim(inner_text(node))}));
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

}  // namespace

// ---------------------------------------------------------------- URLs
/// The xml:base in effect at `node`: every xml:base from the root down,
/// each resolved against the one before (the outermost against the
/// document URL). Empty when no element up to here set one.
std::string xml_base_at(const Context& cx, xml_node node) {
  // The elements up to the nearest one whose base is known, then each
  // base resolved against its parent's on the way back down.
  std::vector<xml_node> chain;
  std::string base;
  for (xml_node n = node; n; n = n.parent()) {
    if (const auto known = cx.bases.find(n.internal_object());
        known != cx.bases.end()) {
      base = known->second;
      break;
    }
    chain.push_back(n);
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (const char* own = it->attribute("xml:base").value(); *own != '\0') {
      std::string resolved = resolve_url(
          base.empty() ? cx.document_url : std::string_view(base), own);
      if (!resolved.empty()) {
        base = std::move(resolved);
      }
    }
    cx.bases.emplace(it->internal_object(), base);
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

void add_enclosure(const Context& cx, xml_node node, std::string_view url_attr,
                   const std::string& fallback, Item& item) {
  std::string url =
      resolve_at(cx, node, fallback, node.attribute(url_attr.data()).value());
  if (!url.empty()) {
    item.enclosures.push_back({std::move(url), node.attribute("type").value(),
                               parse_length(node.attribute("length").value())});
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

}  // namespace feedmark::parse_detail
