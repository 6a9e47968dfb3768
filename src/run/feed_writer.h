#pragma once

// One feed's items on their way through extraction and writing, shared by
// the whole-feed steps in pipeline.cpp.

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "run/changed_items.h"
#include "feedmark/store/archive.h"
#include "feedmark/store/catalogue.h"
#include "feedmark/run/pipeline.h"
#include "feedmark/extract/extract.h"
#include "store/media_store.h"

namespace feedmark {

/// One item's way through extract and write.
struct ItemWork {
  enum class Status { kUnchanged, kNew, kUpdated, kFailed };
  /// The parsed item; none when it is carried (its raw bytes are those of
  /// its article in place: nothing to extract or write).
  const Item* item = nullptr;
  /// The item with its page's article as its body (--full-text).
  std::optional<Item> full_item;
  std::string id;
  std::string fingerprint;             ///< item_fingerprint
  std::string raw;                     ///< CurrentItem::raw
  const CurrentItem* known = nullptr;  ///< as the state remembers it
  Article article;  ///< extracted unless the fingerprint was known
  bool extracted = false;
  /// Waiting for its page (--full-text), then extracted.
  bool awaiting_page = false;
  /// Extracted with images to download before it is written.
  bool awaiting_images = false;
  /// Runs in a row its images failed (CurrentItem::image_tries).
  unsigned image_tries = 0;
  /// Runs its page could not be used (CurrentItem::page_tries).
  unsigned page_tries = 0;
  bool reindex = false;  ///< in place, but its index line may be missing
  ArticleEntry entry;    ///< of the version in place
  /// The version a written article replaced, if known: the indexes move
  /// it when its month changed.
  std::optional<ArticleEntry> before;
  Status status = Status::kUnchanged;
};

/// The document's items (`origins`: parsed in `feed` or carried from
/// `state`) that `filter` accepts, each id once: feeds repeat items (one
/// guid listed twice in a document), and the first wins, as two writers of
/// one file would race.
std::vector<ItemWork> unique_items(const Feed& feed, const FeedState& state,
                                   const std::vector<ItemOrigin>& origins,
                                   IdPolicy policy, const ItemFilter& filter);

/// Everything one feed's items share while they are processed; its
/// methods run on several threads at once.
class FeedWriter {
 public:
  FeedWriter(const ArchiveOptions& options, std::filesystem::path dir,
             FeedContext feed, const FeedState& state);

  /// Extracts the item unless it is archived as it is, then writes it
  /// unless its page or its images are to be downloaded first.
  void process(ItemWork& w);
  /// After its page was fetched, or could not be: extracts the item and
  /// writes it unless its images are to be downloaded first.
  void process_after_page(ItemWork& w);
  /// After the downloads: extracts the article again, with the images
  /// now saved, and writes it.
  void finish(ItemWork& w);

  MediaStore& media() { return media_; }

  /// Where an item's page article is kept once its page worked, so that
  /// the item, extracted again (an image to retry, a file to restore), is
  /// not fetched again: `<feed>/.pages/<id>.html`, a cache.
  std::filesystem::path page_cache(const std::string& id) const;
  const std::optional<Error>& first_error() const { return first_error_; }

 private:
  ExtractOptions make_extract_options() const;
  std::string rendering() const;
  bool page_needed(ItemWork& w) const;
  void extract(ItemWork& w);
  void write_unless_awaiting_images(ItemWork& w);
  void write(ItemWork& w);
  bool unchanged_since_archived(ItemWork& w) const;
  bool in_place(ItemWork& w, const std::filesystem::path& path,
                const ArticleEntry* known, const PreparedArticle& prepared,
                bool& exists);
  Result<void> put_in_place(const std::filesystem::path& path,
                            const std::string& rendered,
                            const std::string& record);

  const ArchiveOptions& options_;
  const std::filesystem::path dir_;
  const std::string feed_id_;
  const FeedContext feed_;
  /// The state's current items, by id.
  std::unordered_map<std::string_view, const CurrentItem*> known_;
  MediaStore media_;
  const ExtractOptions extract_options_;  ///< after media_: it points to it
  std::mutex write_mutex_;
  std::optional<Error> first_error_;
};

bool was_written(const ItemWork& w);

/// The state's current items after this run: a failed article is listed
/// without its fingerprint or size, so that the next run extracts it
/// again, sends no validators until it is written, and learns from the
/// file what its index line was.
void record_in_state(const std::vector<ItemWork>& work, FeedState& state);

/// What the feed's indexes must learn of this run.
std::vector<IndexChange> index_changes(const std::vector<ItemWork>& work);

}  // namespace feedmark
