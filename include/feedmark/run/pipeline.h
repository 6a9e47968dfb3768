#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "feedmark/store/archive.h"
#include "feedmark/store/delivery.h"
#include "feedmark/extract/extract.h"
#include "feedmark/extract/item_filter.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/write/format.h"

namespace feedmark {

/// The default of --max-image-size.
inline constexpr std::uint64_t kDefaultMaxImageSize = 10'485'760;

/// --save-images and its limits (SPEC "Images", "Private networks").
struct ImageOptions {
  bool save = false;
  std::uint64_t max_size = kDefaultMaxImageSize;
  bool allow_private_networks = false;
  std::string user_agent;
  /// The feed's own cacert= and cookies=, for its pages and images too;
  /// empty: the run's.
  std::string ca_file;
  std::string cookie_file;
  /// The limits of the downloads when this stage fetches the images itself
  /// (archive_response); `fetch` downloads them in its own session.
  HttpOptions http;
};

/// --full-text and the feed list's full-text-selector= (SPEC "Full text").
struct FullTextOptions {
  FullText mode = FullText::kNever;
  std::string selector;  ///< checked when the feed list was read
};

/// Everything `fetch` needs to archive one source.
struct ArchiveOptions {
  std::filesystem::path archive = "archive";
  std::string feed_url;     ///< --feed-url: identity of a file/stdin feed
  std::string zone;         ///< --tz
  std::string image_proxy;  ///< --image-proxy
  std::string encoding;     ///< a feed list's encoding=: beats the declared
  std::uint64_t max_size = kDefaultMaxSize;  ///< --max-size, for files too
  bool dry_run = false;
  std::int64_t captured_ms = 0;  ///< the capture time of this run
  unsigned threads = 0;          ///< 0: one per core
  ImageOptions images;
  FullTextOptions full_text;
  IdPolicy id_policy = IdPolicy::kGuid;  ///< a feed list's id=
  ItemFilter filter;                     ///< include= and exclude=
  /// --format and --template: how articles and indexes are written.
  ArticleRenderer renderer;
  /// Where each article's record goes before its file is put in place;
  /// none with --dry-run or in tests of this stage alone.
  DeliveryJournal* journal = nullptr;
};

/// An article this run wrote (or would write, with --dry-run).
struct ArticleRecord {
  std::filesystem::path path;
  std::string feed_id;
  Article article;
  bool updated = false;  ///< false: new
};

/// The JSON object `fetch --json` prints for an article, on one line.
std::string article_record_json(const std::filesystem::path& path,
                                const std::string& feed_id,
                                const Article& article, bool updated);

/// A document archived, wholly or in part.
struct FeedOutcome {
  std::string feed_id;
  std::size_t items = 0;
  std::size_t bytes = 0;  ///< of the document as fetched
  /// The document was byte for byte the one last archived: not parsed.
  bool same_document = false;
  /// Items whose articles were extracted (the others were unchanged).
  std::size_t extracted = 0;
  /// Items whose raw bytes were those of an article in place: not even
  /// decoded or parsed.
  std::size_t unparsed = 0;
  std::vector<ArticleRecord> written;  ///< in document order, all in place
  std::vector<std::string> warnings;
  /// --save-images: images downloaded and kept by this run, images the
  /// extracted articles show that were saved before, and one line
  /// ("URL: cause") per image that could not be saved.
  std::size_t images_saved = 0;
  std::size_t images_present = 0;
  std::vector<std::string> image_failures;
  /// --full-text: article pages fetched and used, and one line ("URL:
  /// cause") per page that could not be (the article keeps the feed's
  /// body).
  std::size_t pages_used = 0;
  std::vector<std::string> page_failures;
  /// Articles no longer in the feed written again in a new --format.
  std::size_t converted = 0;
  /// What went wrong after the feed was parsed (an article, the index or the
  /// state could not be written); `written` is still true. The feed keeps
  /// its old validators, so the next run fetches it again.
  std::optional<Error> failure;
};

/// What `fetch --shard` divides by, known before fetching: the feed key of a
/// URL or of --feed-url, else the source's absolute path (a file's key may
/// come from inside it).
std::string shard_key(const Source& source, const ArchiveOptions& options);

/// The feed key (SPEC "Archive layout") of a parsed feed read from `source`.
std::string feed_key_for(const Source& source, const Feed& feed,
                         const std::string& feed_url_flag);

class FeedRun;

/// A feed whose articles wait for downloads: their pages (--full-text),
/// then their images (--save-images). It holds the parsed feed and its
/// extracted articles until the downloads are done.
class PendingFeed {
 public:
  explicit PendingFeed(std::unique_ptr<FeedRun> run);
  PendingFeed(PendingFeed&&) noexcept;
  PendingFeed& operator=(PendingFeed&&) noexcept;
  ~PendingFeed();

  /// The downloads of the current step, each URL once: pages, or images
  /// into temporaries of the feed's media/ folder.
  const std::vector<HttpRequest>& requests() const;
  /// One download has finished; `i` is its index in requests().
  void done(std::size_t i, Result<HttpResult> result);
  /// Once every request of the step is done: true when a next step has
  /// requests (the images of the pages fetched).
  bool advance();
  /// Writes the articles that waited, then the indexes and the state.
  FeedOutcome finish();

 private:
  std::unique_ptr<FeedRun> run_;
};

/// A document archived, or waiting for its images.
using Archiving = std::variant<FeedOutcome, PendingFeed>;

/// Decodes, parses and extracts one fetched document, and writes every
/// article that has no image to download; an error is returned only if
/// nothing was written. `known_state`: the state of a URL source's folder
/// when the caller has read it already (to plan the request), else it is
/// read here.
Result<Archiving> start_archiving(
    const Source& source, Response&& response, const ArchiveOptions& options,
    std::optional<FeedState> known_state = std::nullopt);

/// start_archiving, then the images downloaded here (options.images.http)
/// and the feed finished.
Result<FeedOutcome> archive_response(
    const Source& source, Response&& response, const ArchiveOptions& options,
    std::optional<FeedState> known_state = std::nullopt);

/// Remembers in the feed's state that `source` (a URL) may not be fetched
/// again before `until` (a server's Retry-After). Returns since when the
/// feed has been deferred with no successful fetch in between.
Result<UnixTime> defer_feed(const Source& source, UnixTime until,
                            const ArchiveOptions& options);

/// Reads a file or stdin source and starts archiving it.
Result<Archiving> start_archiving_local(const Source& source,
                                        const ArchiveOptions& options);

}  // namespace feedmark
