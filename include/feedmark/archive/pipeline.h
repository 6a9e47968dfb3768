#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "feedmark/archive/archive.h"
#include "feedmark/archive/delivery.h"
#include "feedmark/extract/extract.h"
#include "feedmark/fetch/fetch.h"

namespace feedmark {

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
  std::vector<ArticleRecord> written;  ///< in document order, all in place
  std::vector<std::string> warnings;
  /// What went wrong after the feed was parsed (an article, the index or the
  /// state could not be written); `written` is still true. The feed keeps
  /// its old validators, so the next run fetches it again.
  std::optional<Error> failure;
};

/// The feed key (SPEC "Archive layout") of a parsed feed read from `source`.
std::string feed_key_for(const Source& source, const Feed& feed,
                         const std::string& feed_url_flag);

/// Decodes, parses, extracts and writes one fetched document. An error is
/// returned only if nothing was written. `known_state`: the state of a URL
/// source's folder when the caller has read it already (to plan the
/// request), else it is read here.
Result<FeedOutcome> archive_response(
    const Source& source, Response&& response, const ArchiveOptions& options,
    std::optional<FeedState> known_state = std::nullopt);

/// Remembers in the feed's state that `source` (a URL) may not be fetched
/// again before `until` (a server's Retry-After). Returns since when the
/// feed has been deferred with no successful fetch in between.
Result<UnixTime> defer_feed(const Source& source, UnixTime until,
                            const ArchiveOptions& options);

/// Reads a file or stdin source and archives it.
Result<FeedOutcome> archive_local_source(const Source& source,
                                         const ArchiveOptions& options);

}  // namespace feedmark
