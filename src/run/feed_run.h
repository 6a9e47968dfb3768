#pragma once

// One parsed feed archived: its items extracted and written, the images
// they wait for, then the indexes and the state (SPEC "Archive layout").

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "run/changed_items.h"
#include "feed_writer.h"
#include "feedmark/run/pipeline.h"
#include "feedmark/extract/selector.h"

namespace feedmark {

/// "feedmark: https://x/feed.xml: cannot write ARCHIVE/…/x.md: No space
/// left on device": the line names the feed, as every failure of a source
/// does.
Error write_failure(const Source& source, const Error& error);

/// Lives on the heap from extraction to the state saved: its items point
/// into its feed and state.
class FeedRun {
 public:
  /// `origins`: the document's items in its order, parsed (in `feed`) or
  /// carried from `state`. `raw_context`: context_fingerprint, "" if the
  /// items are not known by their raw bytes.
  FeedRun(const Source& source, const ArchiveOptions& options, Feed feed,
          std::string key, FeedState state, std::string body_fingerprint,
          const std::vector<ItemOrigin>& origins, std::string raw_context);
  FeedRun(const FeedRun&) = delete;
  FeedRun& operator=(const FeedRun&) = delete;

  FeedOutcome& outcome() { return outcome_; }
  void set_validators(std::string etag, std::string last_modified);

  /// Extracts every item that changed, on every core, and writes those
  /// with no page or image to download; lists the first downloads.
  void extract_all();
  /// See PendingFeed.
  const std::vector<HttpRequest>& requests() const { return requests_; }
  void done(std::size_t i, Result<HttpResult> result);
  bool advance();
  /// Writes the articles that waited for images, the indexes and the state.
  FeedOutcome finish();

 private:
  enum class Step { kPages, kImages, kDone };

  void list_page_requests();
  void page_done(std::size_t i, Result<HttpResult> result);
  void cache_page(const std::string& id, const std::string& html);
  void forget_pages_of_departed_items();
  void list_image_requests();
  void image_done(std::size_t i, Result<HttpResult> result);
  void count_images();
  void switch_format();
  void save();

  const Source source_;
  const ArchiveOptions options_;
  const Feed feed_;
  const std::string key_;
  const std::filesystem::path dir_;
  FeedState state_;
  const std::string body_fingerprint_;
  const std::string raw_context_;
  std::string etag_;
  std::string last_modified_;
  FeedOutcome outcome_;
  std::vector<ItemWork> work_;
  FeedWriter writer_;
  std::optional<Selector> selector_;  ///< the feed's full-text-selector=
  Step step_ = Step::kDone;
  std::vector<HttpRequest> requests_;  ///< of the current step
  /// For each page request, the items waiting for it.
  std::vector<std::vector<std::size_t>> page_items_;
  std::vector<std::string> saved_urls_;  ///< downloaded by this run
};

}  // namespace feedmark
