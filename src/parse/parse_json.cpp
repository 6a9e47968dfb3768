// JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), read with
// nlohmann/json into the same Feed the XML formats give.

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "feedmark/html/text.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "parse_detail.h"

namespace feedmark {
namespace {

using parse_detail::first_nonempty;
using parse_detail::html_from_text;

using json = nlohmann::json;

/// The string at `key`, or "" when it is missing or not a string: feeds in
/// the wild put numbers or null where the spec says string.
std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return {};
  }
  return std::string(trim(it->get_ref<const std::string&>()));
}

// Version 1.1 has "authors" (a list); 1.0 has "author" (one object).
std::string author_of(const json& object) {
  const auto authors = object.find("authors");
  if (authors != object.end() && authors->is_array()) {
    std::string names;
    for (const json& a : *authors) {
      if (a.is_object() && !string_at(a, "name").empty()) {
        names += (names.empty() ? "" : ", ") + string_at(a, "name");
      }
    }
    if (!names.empty()) {
      return names;
    }
  }
  const auto author = object.find("author");
  return author != object.end() && author->is_object()
             ? string_at(*author, "name")
             : std::string();
}

std::vector<std::string> tags_of(const json& item) {
  std::vector<std::string> tags;
  const auto it = item.find("tags");
  if (it != item.end() && it->is_array()) {
    for (const json& tag : *it) {
      if (tag.is_string() && !trim(tag.get_ref<const std::string&>()).empty()) {
        tags.emplace_back(trim(tag.get_ref<const std::string&>()));
      }
    }
  }
  return tags;
}

void add_attachments(const json& item, const std::string& base, Item& out) {
  const auto it = item.find("attachments");
  if (it == item.end() || !it->is_array()) {
    return;
  }
  for (const json& a : *it) {
    if (!a.is_object()) {
      continue;
    }
    Enclosure e{resolve_url(base, string_at(a, "url")),
                string_at(a, "mime_type"), std::nullopt};
    const auto size = a.find("size_in_bytes");
    if (size != a.end() && size->is_number_integer() && *size >= 0) {
      e.length = size->get<std::int64_t>();
    }
    if (!e.url.empty()) {
      out.enclosures.push_back(std::move(e));
    }
  }
}

void add_image(const std::string& url, const std::string& base, Item& out) {
  if (std::string resolved = resolve_url(base, url); !resolved.empty()) {
    out.media.push_back(
        {MediaImage::Kind::kContent, std::move(resolved), {}, 0});
  }
}

/// What every item of one feed shares, worked out once.
struct FeedContext {
  std::string base;    ///< relative URLs resolve against it
  std::string author;  ///< the feed's author, for items without one
  const ParseOptions& options;
};

Item parse_json_item(const json& item, const FeedContext& cx) {
  const std::string& base = cx.base;
  const ParseOptions& options = cx.options;
  Item out;
  // "id" may be a number in 1.0 feeds; the spec says to read it as a string.
  const auto id = item.find("id");
  if (id != item.end() && id->is_number()) {
    out.guid = id->dump();
  } else {
    out.guid = string_at(item, "id");
  }
  out.title = collapse_whitespace(string_at(item, "title"));
  out.link =
      resolve_url(base, first_nonempty({string_at(item, "url"),
                                        string_at(item, "external_url")}));
  out.published = parse_date(string_at(item, "date_published"), options.zone);
  out.updated = parse_date(string_at(item, "date_modified"), options.zone);
  out.author =
      collapse_whitespace(first_nonempty({author_of(item), cx.author}));
  out.categories = tags_of(item);
  std::string text = string_at(item, "content_text");
  out.content_html =
      first_nonempty({string_at(item, "content_html"), html_from_text(text)});
  out.summary_html = html_from_text(string_at(item, "summary"));
  out.base = first_nonempty({out.link, base});
  add_image(string_at(item, "image"), base, out);
  add_image(string_at(item, "banner_image"), base, out);
  add_attachments(item, base, out);
  add_image_enclosures(out);
  return out;
}

// JSON Feed has no feed-level date; the feed changed when its newest item
// did.
std::optional<UnixTime> newest_date(const std::vector<Item>& items) {
  std::optional<UnixTime> newest;
  for (const Item& item : items) {
    for (const auto& date : {item.updated, item.published}) {
      if (date && (!newest || *date > *newest)) {
        newest = date;
      }
    }
  }
  return newest;
}

Feed feed_of(const json& root, const std::string& document_url,
             const ParseOptions& options) {
  Feed feed;
  feed.format = Format::kJsonFeed;
  feed.title = collapse_whitespace(string_at(root, "title"));
  feed.self_link = resolve_url(document_url, string_at(root, "feed_url"));
  feed.link = resolve_url(first_nonempty({feed.self_link, document_url}),
                          string_at(root, "home_page_url"));
  feed.description = collapse_whitespace(string_at(root, "description"));
  feed.language = string_at(root, "language");
  feed.image = resolve_url(
      first_nonempty({feed.link, document_url}),
      first_nonempty({string_at(root, "icon"), string_at(root, "favicon")}));
  const FeedContext cx{first_nonempty({feed.link, document_url}),
                       author_of(root), options};
  for (const json& item : root.at("items")) {
    if (item.is_object()) {
      feed.items.push_back(parse_json_item(item, cx));
    }
  }
  feed.updated = newest_date(feed.items);
  return feed;
}

}  // namespace

bool looks_like_json(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos &&
         (text[first] == '{' || text[first] == '[');
}

Result<Feed> parse_json_feed(std::string_view text, const std::string& source,
                             const std::string& document_url,
                             const ParseOptions& options) {
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return fail("parse", source, "not a feed: JSON that does not parse");
  }
  // A JSON Feed is an object with a version and a list of items; anything
  // else (an API response, a config file) is not a feed.
  if (!root.is_object() || !root.contains("version") ||
      !root.contains("items") || !root["items"].is_array()) {
    return fail("parse", source, "not a feed: JSON, but not a JSON Feed");
  }
  return feed_of(root, document_url, options);
}

}  // namespace feedmark
