#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feedmark/util/dates.h"
#include "feedmark/util/error.h"

namespace feedmark {

/// What an index needs to know about one article file.
struct ArticleEntry {
  std::string title_md;  ///< the title as written in the file (escaped)
  std::optional<UnixTime> published;
  std::int64_t captured_ms = 0;
  std::string digest;      ///< short hash of the file after its first line
  std::int64_t size = -1;  ///< the file's size in bytes; -1: not known
};

/// A feed folder's `.state.json`: only a cache, rebuilt from the files.
struct FeedState {
  std::string key;    ///< the feed key its id was made from
  std::string title;  ///< plain text
  std::string link;
  std::string etag;
  std::string last_modified;
  std::optional<UnixTime> next_fetch;
  /// When a server first asked us to come back later (Retry-After), unless
  /// a fetch has succeeded since.
  std::optional<UnixTime> deferred_since;
  std::map<std::string, ArticleEntry> articles;  ///< by item id
  /// The item ids of the last document archived, in its order: the
  /// articles a 304 would vouch for.
  std::vector<std::string> current;
};

/// `<feed-id>`: the short hash of the feed key.
std::string feed_id(const std::string& feed_key);

/// The item id of an article file name ("2050d6b4bc00c5c5.md"), or "".
std::string article_id_of(const std::filesystem::path& file);

/// Reads `<dir>/.state.json` alone; nothing if it is missing or damaged.
std::optional<FeedState> read_state_file(const std::filesystem::path& dir);

/// Reads `<dir>/.state.json`; when it is missing or unreadable, rebuilds the
/// article entries from the article files (the header from index.md). Fails
/// only if the folder exists and cannot be listed.
Result<FeedState> load_feed_state(const std::filesystem::path& dir);

/// Writes `<dir>/.state.json` if it changed, on the disk before it is put
/// in place.
Result<void> save_feed_state(const std::filesystem::path& dir,
                             const FeedState& state);

/// Whether every current article of `state` is in `dir` with the size the
/// state recorded: one stat(2) each. Validators are sent only then, so that
/// a 304 never hides a deleted or damaged article.
bool current_articles_intact(const std::filesystem::path& dir,
                             const FeedState& state);

/// Reads one article file's index data; nothing if it is not one.
std::optional<ArticleEntry> read_article_entry(
    const std::filesystem::path& file);

/// Every article file of a feed folder, by item id; nothing for a folder
/// that does not exist, an error for one that cannot be listed.
Result<std::map<std::string, ArticleEntry>> scan_articles(
    const std::filesystem::path& dir);

/// The feed's index.md text: header, then articles newest first.
std::string render_feed_index(
    const std::string& header_line,
    const std::map<std::string, ArticleEntry>& articles);

/// "[{title}]({link})" for a feed index header.
std::string feed_index_header(const std::string& title,
                              const std::string& link);

/// Writes `<dir>/index.md` if its content changed.
Result<void> write_feed_index(const std::filesystem::path& dir,
                              const FeedState& state);

/// Writes `<archive>/index.md` from the feed folders' index.md files; a
/// folder that cannot be read is an error, and the index is left as it was.
Result<void> write_root_index(const std::filesystem::path& archive);

/// Deletes the temporary files (`.tmp-…`) in `dir`. Call under the archive
/// lock: no other writer exists then, so every one was left by a run that
/// was killed while writing (in a container, often with the same PID).
void remove_stale_temporaries(const std::filesystem::path& dir);

/// The archive lock, `<archive>/.lock` held with flock(2) while a run writes.
/// The kernel drops it when the process dies, so a killed run never leaves
/// the archive locked.
class ArchiveLock {
 public:
  /// Takes the lock; with `wait`, blocks until the other run is done.
  /// Fails with stage "lock" if another run holds it (and not `wait`).
  static Result<ArchiveLock> acquire(const std::filesystem::path& archive,
                                     bool wait);
  ArchiveLock(ArchiveLock&& other) noexcept;
  ArchiveLock& operator=(ArchiveLock&&) = delete;
  ArchiveLock(const ArchiveLock&) = delete;
  ~ArchiveLock();

 private:
  explicit ArchiveLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// `feedmark index`: every feed's index.md from its article files alone, then
/// the root index. Returns the number of feeds.
Result<int> rebuild_indexes(const std::filesystem::path& archive);

}  // namespace feedmark
