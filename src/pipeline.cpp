#include "feedmark/pipeline.h"

#include <algorithm>
#include <mutex>
#include <unordered_set>

#include "feedmark/decode.h"
#include "feedmark/parallel.h"
#include "feedmark/parse.h"
#include "feedmark/sha256.h"
#include "feedmark/url.h"
#include "feedmark/write.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

/// One item's way through extract and write.
struct ItemWork {
  const Item* item = nullptr;
  Article article;
  std::string digest;
  std::int64_t captured_ms = -1;  ///< -1: not in the archive
  enum class Status { kUnchanged, kNew, kUpdated } status = Status::kUnchanged;
};

// Feeds repeat items (one guid listed twice in a document); the first wins,
// as two writers of one file would race.
std::vector<ItemWork> unique_items(const Feed& feed) {
  std::vector<ItemWork> work;
  work.reserve(feed.items.size());
  std::unordered_set<std::string> seen;
  for (const Item& item : feed.items) {
    std::string id = short_hash(item_key(item));
    if (seen.insert(id).second) {
      work.push_back({&item, {}, {}, -1, ItemWork::Status::kUnchanged});
    }
  }
  return work;
}

std::unordered_set<std::string> existing_article_ids(const fs::path& dir) {
  std::unordered_set<std::string> ids;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (std::string id = article_id_of(e.path()); !id.empty()) {
      ids.insert(std::move(id));
    }
  }
  return ids;
}

/// Everything one feed's items share while they are processed.
struct FeedWriter {
  const ArchiveOptions& options;
  const fs::path& dir;
  const FeedState& state;
  const std::unordered_set<std::string>& existing;
  std::mutex write_mutex;
  std::optional<Error> first_error;

  void process(ItemWork& w);
  bool unchanged(ItemWork& w);
};

bool FeedWriter::unchanged(ItemWork& w) {
  const std::string& id = w.article.id;
  if (!existing.contains(id)) {
    return false;
  }
  const auto known = state.articles.find(id);
  if (known != state.articles.end() && known->second.digest == w.digest) {
    w.captured_ms = known->second.captured_ms;
    return true;
  }
  // Written by a run that was killed before it saved the state, or after a
  // state file older than the articles was put back.
  const std::optional<ArticleEntry> on_disk =
      read_article_entry(dir / (id + ".md"));
  if (on_disk && on_disk->digest == w.digest) {
    w.captured_ms = on_disk->captured_ms;
    return true;
  }
  return false;
}

void FeedWriter::process(ItemWork& w) {
  w.article = extract_article(*w.item, {options.image_proxy});
  const std::string rendered = render_article(w.article, options.captured_ms);
  w.digest = short_hash(article_content(rendered));
  if (unchanged(w)) {
    return;
  }
  w.status = existing.contains(w.article.id) ? ItemWork::Status::kUpdated
                                             : ItemWork::Status::kNew;
  w.captured_ms = options.captured_ms;
  if (options.dry_run) {
    return;
  }
  // One writer at a time: creating files in one folder serializes on the
  // folder's lock in the kernel, and threads spinning on it cost more CPU than
  // the writes themselves; the other threads extract meanwhile.
  const std::lock_guard lock(write_mutex);
  if (auto written =
          write_file_atomically(dir / (w.article.id + ".md"), rendered);
      !written) {
    w.status = ItemWork::Status::kUnchanged;
    w.captured_ms = -1;
    if (!first_error) {
      first_error = written.error();
    }
  }
}

void record_in_state(const std::vector<ItemWork>& work, FeedState& state) {
  for (const ItemWork& w : work) {
    if (w.captured_ms < 0) {
      continue;  // failed to write
    }
    state.articles[w.article.id] = {escape_markdown_text(w.article.title),
                                    w.article.published, w.captured_ms,
                                    w.digest};
  }
}

Result<void> save_feed(const fs::path& dir, const FeedState& state,
                       const std::optional<Error>& write_error) {
  if (auto saved = save_feed_state(dir, state); !saved) {
    return saved;
  }
  if (auto indexed = write_feed_index(dir, state); !indexed) {
    return indexed;
  }
  if (write_error) {
    return tl::unexpected(*write_error);
  }
  return {};
}

}  // namespace

std::string feed_key_for(const Source& source, const Feed& feed,
                         const std::string& feed_url_flag) {
  if (source.kind == Source::Kind::kUrl) {
    return source.location;
  }
  if (!feed_url_flag.empty()) {
    return feed_url_flag;
  }
  // Links keep the host's case and an empty path as the feed wrote them; the
  // key uses their canonical form, as it always has.
  for (const std::string* key : {&feed.self_link, &feed.link}) {
    if (!key->empty()) {
      return url_key(*key);
    }
  }
  if (source.kind == Source::Kind::kStdin) {
    return "stdin";
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(source.location, ec);
  return ec ? source.location : absolute.lexically_normal().string();
}

Result<FeedOutcome> archive_response(const Source& source, Response&& response,
                                     const ArchiveOptions& options) {
  const std::size_t bytes = response.body.size();
  std::string etag = std::move(response.etag);
  std::string last_modified = std::move(response.last_modified);
  Result<Document> document =
      decode_response(std::move(response), source.location, options.encoding);
  if (!document) {
    return tl::unexpected(document.error());
  }
  Result<Feed> feed =
      parse_feed(std::move(*document), source.location, {options.zone});
  if (!feed) {
    return tl::unexpected(feed.error());
  }
  FeedOutcome outcome;
  outcome.feed_id = feed_id(feed_key_for(source, *feed, options.feed_url));
  outcome.items = feed->items.size();
  outcome.bytes = bytes;
  outcome.warnings = feed->warnings;
  const fs::path dir = options.archive / outcome.feed_id;
  FeedState state = load_feed_state(dir);
  const std::unordered_set<std::string> existing = existing_article_ids(dir);
  std::error_code ec;
  if (!options.dry_run && !fs::create_directories(dir, ec) && ec) {
    return fail("write", dir.string(), ec.message());
  }
  if (!options.dry_run) {
    remove_stale_temporaries(dir);
  }

  std::vector<ItemWork> work = unique_items(*feed);
  FeedWriter writer{options, dir, state, existing, {}, {}};
  parallel_for(work.size(), options.threads,
               [&](std::size_t i) { writer.process(work[i]); });

  for (ItemWork& w : work) {
    if (w.status != ItemWork::Status::kUnchanged) {
      outcome.written.push_back({dir / (w.article.id + ".md"), outcome.feed_id,
                                 w.article,
                                 w.status == ItemWork::Status::kUpdated});
    }
  }
  if (options.dry_run) {
    return outcome;
  }
  state.key = feed_key_for(source, *feed, options.feed_url);
  state.title = feed->title;
  state.link = feed->link;
  state.etag = std::move(etag);
  state.last_modified = std::move(last_modified);
  state.next_fetch.reset();
  record_in_state(work, state);
  if (auto saved = save_feed(dir, state, writer.first_error); !saved) {
    return tl::unexpected(saved.error());
  }
  return outcome;
}

Result<void> defer_feed(const Source& source, UnixTime until,
                        const ArchiveOptions& options) {
  if (options.dry_run) {
    return {};
  }
  const fs::path dir = options.archive / feed_id(source.location);
  std::error_code ec;
  if (!fs::create_directories(dir, ec) && ec) {
    return fail("write", dir.string(), ec.message());
  }
  FeedState state = load_feed_state(dir);
  state.key = source.location;
  state.next_fetch = until;
  return save_feed_state(dir, state);
}

Result<FeedOutcome> archive_local_source(const Source& source,
                                         const ArchiveOptions& options) {
  Result<Response> response = read_local_source(source);
  if (!response) {
    return tl::unexpected(response.error());
  }
  response->final_url = options.feed_url;
  return archive_response(source, std::move(*response), options);
}

}  // namespace feedmark
