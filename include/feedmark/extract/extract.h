#pragma once

#include <optional>
#include <string>
#include <vector>

#include "feedmark/extract/sanitize.h"
#include "feedmark/parse/parse.h"

namespace feedmark {

/// What one article file shows.
struct Article {
  std::string id;     ///< 16 hex digits of SHA-256 of the item key
  std::string title;  ///< plain text, one line
  std::string link;   ///< absolute, normalized
  std::optional<UnixTime> published;
  std::string image;              ///< the lead image, image proxy applied
  std::string caption;            ///< plain text
  std::string author;             ///< plain text, may be empty
  std::vector<std::string> tags;  ///< the item's categories
  std::string body_html;          ///< sanitized, one line, lead image removed
  /// With --save-images: every image URL the article shows (the lead image
  /// first), each once, and the local paths of those saved.
  std::vector<std::string> images;
  std::vector<std::string> local_images;
};

/// A feed list's id= (SPEC "Formats", item ids): which of the item's
/// guid, link or title and date names its file first.
enum class IdPolicy { kGuid, kLink, kTitle };

struct ExtractOptions {
  std::string image_proxy;  ///< --image-proxy template, may be empty
  /// --save-images: where the saved images are (see ImageLocator).
  const ImageLocator* saved_images = nullptr;
  /// --full-text and the feed's selector ("auto\ndiv.story"), "" for
  /// never: they decide where an article's body comes from, so they are
  /// part of item_fingerprint.
  std::string full_text;
  IdPolicy id_policy = IdPolicy::kGuid;
  /// What else shapes the written article (its format or template, and
  /// for formats that show it the feed's title): part of item_fingerprint,
  /// so that changing it rewrites the articles.
  std::string rendering;
};

/// --full-text (SPEC "Full text").
enum class FullText { kNever, kAuto, kAlways };

/// Whether an item's body should come from its page: always, or under
/// auto when the feed's body is short (under 500 characters of text) or
/// plainly cut ("…", "Read more", "阅读全文"). Never without an http(s)
/// link.
bool wants_full_text(const Item& item, FullText mode);

/// The item key: guid/id if present, else the link, else title + date;
/// `policy` puts the link, or the title and date, first.
std::string item_key(const Item& item, IdPolicy policy = IdPolicy::kGuid);

/// What decides an item's article, hashed before anything is extracted: the
/// item's own fields as parsed, the options and feedmark's version. Equal
/// fingerprints make equal articles, so an archived item whose fingerprint
/// is unchanged needs no extraction.
std::string item_fingerprint(const Item& item, const ExtractOptions& options);

/// Builds the article for one item: lead image and caption by the SPEC's
/// rules, the body (content, else description) sanitized on one line.
Article extract_article(const Item& item, const ExtractOptions& options);

/// What `feedmark parse` prints of an item beyond the parsed fields.
struct ItemView {
  std::string id;
  std::string image;
  std::string caption;
  std::string summary_html;  ///< sanitized, absolute URLs
  std::string content_html;  ///< sanitized, absolute URLs
};

/// Sanitizes both HTML fields and picks the lead image, removing nothing.
ItemView view_item(const Item& item);

}  // namespace feedmark
