#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/decode/decode.h"
#include "feedmark/util/dates.h"

namespace feedmark {

enum class Format { kRss20, kRss10, kRss09x, kAtom10, kAtom03, kJsonFeed };

/// "rss2.0", "rss1.0", "rss0.9x", "atom1.0", "atom0.3", "jsonfeed"
const char* format_name(Format format);

struct Enclosure {
  std::string url;
  std::string type;
  std::optional<std::int64_t> length;
};

/// An image the feed names outside the body: media:content, media:thumbnail,
/// an image enclosure, itunes:image.
struct MediaImage {
  enum class Kind { kContent, kThumbnail, kEnclosure, kItunes };
  Kind kind = Kind::kContent;
  std::string url;      ///< absolute
  std::string caption;  ///< media:description, else media:title
  int width = 0;
};

/// One entry as the feed states it. HTML fields are raw (not yet sanitized).
struct Item {
  std::string guid;   ///< guid / id, trimmed
  std::string title;  ///< plain text
  std::string link;   ///< absolute, normalized
  std::string base;   ///< base URL for the item's HTML (xml:base, link, ...)
  std::optional<UnixTime> published;
  std::optional<UnixTime> updated;
  std::string author;
  std::vector<std::string> categories;
  std::string summary_html;  ///< description / summary, as HTML
  std::string content_html;  ///< content:encoded / atom:content, as HTML
  std::vector<Enclosure> enclosures;
  std::vector<MediaImage> media;
  /// Where its element's `<` is in the text pugixml read (Document::utf8,
  /// or its repaired copy), npos for JSON: which bytes it was read from.
  std::size_t offset = std::string::npos;
};

struct Feed {
  Format format = Format::kRss20;
  std::string title;      ///< plain text
  std::string link;       ///< the site, absolute
  std::string self_link;  ///< atom:link rel="self", absolute
  std::string description;
  std::string language;
  std::optional<UnixTime> updated;
  std::string image;
  std::string encoding;  ///< what the document was decoded from
  bool well_formed = true;
  /// The text was rewritten before it was read as XML; some rewrites (a
  /// declared entity expanded, `&#150;`) warn of nothing.
  bool rewritten = false;
  std::vector<std::string> warnings;  ///< what had to be repaired
  /// The namespace prefixes the document binds, each with the one its
  /// names were read as ("m=media\n"), sorted. The first binding of a
  /// prefix anywhere in the document holds for all of it.
  std::string namespaces;
  std::vector<Item> items;
};

struct ParseOptions {
  std::string zone;  ///< IANA zone for dates that carry none; empty = UTC
};

/// Parses RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1. The document's
/// text is consumed (parsed in place). `source` names it in errors.
Result<Feed> parse_feed(Document&& document, const std::string& source,
                        const ParseOptions& options = {});

/// Adds the item's image enclosures (an image/* type, or none and a URL
/// that looks like an image) to its media, for every feed format.
void add_image_enclosures(Item& item);

/// True if the text's first non-space character opens a JSON value.
bool looks_like_json(std::string_view text);

/// Parses a JSON Feed (an object with "version" and an "items" list);
/// any other JSON is "not a feed". Relative URLs resolve against the
/// feed's home page, then `document_url`.
Result<Feed> parse_json_feed(std::string_view text, const std::string& source,
                             const std::string& document_url,
                             const ParseOptions& options);

}  // namespace feedmark
