#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "feedmark/util/dates.h"
#include "feedmark/util/error.h"

namespace feedmark {

/// What an index needs to know about one article file.
struct ArticleEntry {
  std::string title_md;  ///< the title as written in the file (escaped)
  std::optional<UnixTime> published;
  std::int64_t captured_ms = 0;
  /// short hash of what the article says, its capture time aside
  std::string digest;
  std::int64_t size = -1;  ///< the file's size in bytes; -1: not known
};

/// Runs an article whose images failed is extracted again to retry them;
/// after that it keeps their URLs until its item changes.
inline constexpr unsigned kMaxImageTries = 10;
/// Runs an article's page is tried on (SPEC "Full text": at most 3).
inline constexpr unsigned kMaxPageTries = 3;

/// An item of the last document archived, as the state remembers it.
struct CurrentItem {
  std::string id;
  /// item_fingerprint of the item archived; "" if not known (a state
  /// written by an older feedmark), which makes the next run extract it.
  std::string fingerprint;
  ArticleEntry entry;
  /// Runs in a row some of the article's images could not be saved (0:
  /// all saved, or none to save); the next runs try again, up to a limit.
  unsigned image_tries = 0;
  /// Runs in a row its page (--full-text) could not be used; the next runs
  /// try again, up to kMaxPageTries in all.
  unsigned page_tries = 0;
  /// The digest of the item's raw bytes in the document ("" if not known):
  /// the same bytes in the same context make the same article, which the
  /// next run carries without decoding or parsing them.
  std::string raw;
};

/// Whether the next run tries an article again: its images or its page
/// failed on fewer runs than their limits.
inline bool due_for_another_try(const CurrentItem& item) {
  return (item.image_tries > 0 && item.image_tries < kMaxImageTries) ||
         (item.page_tries > 0 && item.page_tries < kMaxPageTries);
}

/// Article counts by month of a feed's index ("2022-03" -> 412).
using MonthCounts = std::map<std::string, std::size_t>;

/// A feed folder's `.state.json`: only a cache, rebuilt from the files. It
/// holds the feed's current items, not its history, so that what a run
/// reads and writes stays the size of the feed (docs/decisions.md, "Cost that
/// follows change").
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
  /// The fingerprint of the document last archived whole (its bytes and the
  /// options that shaped its articles): the same body again costs a hash.
  std::string body;
  /// The context of its items' raw bytes (context_fingerprint in the
  /// archive stage), when every item was known by them: "" if not.
  std::string raw_context;
  /// The items of the last document archived, in its order: the articles a
  /// 304 or an unchanged body vouches for.
  std::vector<CurrentItem> current;
  /// The shape its articles were last written in (ArticleRenderer::shape;
  /// a state written before formats has none: "seed"): another one is a
  /// switch of format, which rewrites every article of the folder once.
  std::string format = "seed";
  /// The folder's articles by month; nothing if not known (no state, or one
  /// from an older feedmark), and then the index is rebuilt from the files.
  std::optional<MonthCounts> months;
};

/// `<feed-id>`: the short hash of the feed key.
std::string feed_id(const std::string& feed_key);

/// The item id of an article file name ("2050d6b4bc00c5c5.md"), or "".
std::string article_id_of(const std::filesystem::path& file);

/// Reads `<dir>/.state.json` alone; nothing if it is missing or damaged.
std::optional<FeedState> read_state_file(const std::filesystem::path& dir);

/// Reads `<dir>/.state.json`, or an empty state (months unknown) if it is
/// missing or unreadable. A state from an older feedmark, which listed every
/// article, is read as its current items alone.
FeedState load_feed_state(const std::filesystem::path& dir);

/// Writes `<dir>/.state.json` if it changed, on the disk before it is put
/// in place.
Result<void> save_feed_state(const std::filesystem::path& dir,
                             const FeedState& state);

/// Whether the item's article is on disk at the size the state recorded,
/// with no image or page due for another try: nothing to do for it.
bool article_in_place(const std::filesystem::path& dir,
                      const CurrentItem& item);
/// Whether every current article of `state` is in place (one stat(2) each).
/// Validators are sent only then, so that a 304 never hides a deleted or
/// damaged article, or an image still to save.
bool current_articles_intact(const std::filesystem::path& dir,
                             const FeedState& state);

/// An article file's index data (no digest, no size), in any format;
/// nothing if `text` is not one.
std::optional<ArticleEntry> article_entry_of(std::string_view text);

/// Reads only the first lines of an article file: its title, published and
/// capture times (no digest, no size). Nothing if it is not an article.
std::optional<ArticleEntry> read_article_head(
    const std::filesystem::path& file);

/// Puts `content` at `path` atomically, unless the file already holds it;
/// `synced`: on the disk before it is put in place.
Result<void> write_if_changed(const std::filesystem::path& path,
                              const std::string& content, bool synced = false);

/// "2f579d79b3d75f19": 16 lowercase hex digits, as feed and item ids are.
bool is_hex16(std::string_view name);

/// Deletes the temporary files (`.tmp-…`) in `dir`. Call under the archive
/// lock: no other writer exists then, so every one was left by a run that
/// was killed while writing (in a container, often with the same PID).
void remove_stale_temporaries(const std::filesystem::path& dir);

/// remove_stale_temporaries in the archive's root and in every feed folder
/// with its index/ and .months/: it lists the whole archive, so it is run
/// only after a run that did not finish, and by `feedmark index`.
void remove_stale_temporaries_everywhere(const std::filesystem::path& archive);

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

  /// Whether the last run that held the lock died before it finished (it
  /// was killed, or the machine stopped): it may have left temporaries.
  bool previous_run_unfinished() const { return previous_unfinished_; }
  /// Creates `<archive>/.running`, which mark_finished() removes: a run
  /// that finds it knows the last one died.
  void mark_running();
  void mark_finished();

 private:
  ArchiveLock(int fd, std::filesystem::path archive, bool previous_unfinished)
      : fd_(fd),
        archive_(std::move(archive)),
        previous_unfinished_(previous_unfinished) {}
  int fd_ = -1;
  std::filesystem::path archive_;
  bool previous_unfinished_ = false;
};

}  // namespace feedmark
