#include "feedmark/archive/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "feedmark/decode/decode.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/parallel.h"
#include "feedmark/util/sha256.h"
#include "feedmark/util/url.h"
#include "feedmark/write/write.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

/// One item's way through extract and write.
struct ItemWork {
  enum class Status { kUnchanged, kNew, kUpdated, kFailed };
  const Item* item = nullptr;
  Article article;
  std::string digest;
  std::int64_t size = -1;         ///< of the file, once in place
  std::int64_t captured_ms = -1;  ///< of the version in place
  Status status = Status::kUnchanged;
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
      work.emplace_back().item = &item;
    }
  }
  return work;
}

/// Everything one feed's items share while they are processed.
struct FeedWriter {
  const ArchiveOptions& options;
  const fs::path& dir;
  const std::string& feed_id;
  const FeedState& state;
  std::mutex write_mutex;
  std::optional<Error> first_error;

  void process(ItemWork& w);
  bool in_place(ItemWork& w, const fs::path& path, const ArticleEntry* known,
                bool& exists);
  Result<void> put_in_place(const fs::path& path, const std::string& rendered,
                            const std::string& record);
};

// Whether the file at `path` already is the article as rendered: trusted
// from the state when the size matches what it recorded (one stat), else
// read. The file may have been written by a run killed before it saved the
// state, or be older than a state file put back.
bool FeedWriter::in_place(ItemWork& w, const fs::path& path,
                          const ArticleEntry* known, bool& exists) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  exists = ec != std::errc::no_such_file_or_directory;  // a directory there too
  if (ec) {
    return false;
  }
  if (known != nullptr && static_cast<std::uintmax_t>(known->size) == size) {
    w.captured_ms = known->captured_ms;
    w.size = known->size;
    return true;
  }
  const std::optional<ArticleEntry> on_disk = read_article_entry(path);
  if (on_disk && on_disk->digest == w.digest) {
    w.captured_ms = on_disk->captured_ms;
    w.size = on_disk->size;
    return true;
  }
  return false;
}

void FeedWriter::process(ItemWork& w) {
  w.article = extract_article(*w.item, {options.image_proxy});
  std::string rendered = render_article(w.article, options.captured_ms);
  w.digest = short_hash(article_content(rendered));
  const fs::path path = dir / (w.article.id + ".md");
  const auto recorded = state.articles.find(w.article.id);
  const ArticleEntry* known =
      recorded != state.articles.end() && recorded->second.digest == w.digest
          ? &recorded->second
          : nullptr;
  bool exists = false;
  if (in_place(w, path, known, exists)) {
    return;
  }
  w.status = exists ? ItemWork::Status::kUpdated : ItemWork::Status::kNew;
  w.captured_ms = options.captured_ms;
  if (known != nullptr) {
    // Deleted or damaged (a power cut can leave a file empty): put back as
    // it was recorded, capture time included.
    w.captured_ms = known->captured_ms;
    rendered = render_article(w.article, w.captured_ms);
  }
  w.size = static_cast<std::int64_t>(rendered.size());
  if (options.dry_run) {
    return;
  }
  const std::string record =
      options.journal == nullptr
          ? std::string()
          : article_record_json(path, feed_id, w.article,
                                w.status == ItemWork::Status::kUpdated);
  // One writer at a time: creating files in one folder serializes on the
  // folder's lock in the kernel, and threads spinning on it cost more CPU than
  // the writes themselves; the other threads extract meanwhile.
  const std::lock_guard lock(write_mutex);
  if (auto written = put_in_place(path, rendered, record); !written) {
    w.status = ItemWork::Status::kFailed;
    if (!first_error) {
      first_error = written.error();
    }
  }
}

// The journal learns of the file before it is in place, so a kill at any
// instant leaves no article on disk that no run will print.
Result<void> FeedWriter::put_in_place(const fs::path& path,
                                      const std::string& rendered,
                                      const std::string& record) {
  Result<StagedFile> staged = StagedFile::write(path, rendered);
  if (!staged) {
    return tl::unexpected(staged.error());
  }
  if (options.journal != nullptr) {
    if (auto noted = options.journal->append(record); !noted) {
      return noted;
    }
  }
  if (auto committed = staged->commit(); !committed) {
    return committed;
  }
  after_commit_for_tests();
  return {};
}

bool was_written(const ItemWork& w) {
  return w.status == ItemWork::Status::kNew ||
         w.status == ItemWork::Status::kUpdated;
}

void record_in_state(const std::vector<ItemWork>& work, FeedState& state) {
  state.current.clear();
  for (const ItemWork& w : work) {
    state.current.push_back(w.article.id);
    if (w.status == ItemWork::Status::kFailed) {
      continue;
    }
    state.articles[w.article.id] = {escape_markdown_text(w.article.title),
                                    w.article.published, w.captured_ms,
                                    w.digest, w.size};
  }
}

// The articles reach the disk before the state that lists them, so the
// state never vouches for a file a power cut could leave empty: one syncfs
// for the whole feed, then the state, itself synced before its rename.
Result<void> save_feed(const fs::path& dir, const FeedState& state,
                       bool wrote_articles) {
  if (auto indexed = write_feed_index(dir, state); !indexed) {
    return indexed;
  }
  if (wrote_articles) {
    if (auto synced = sync_file_system(dir); !synced) {
      return synced;
    }
  }
  return save_feed_state(dir, state);
}

// "feedmark: https://x/feed.xml: cannot write ARCHIVE/…/x.md: No space left
// on device": the line names the feed, as every failure of a source does.
Error write_failure(const Source& source, const Error& error) {
  return {"write", source.location,
          error.source.empty() ? error.message
                               : fmt::format("cannot write {}: {}",
                                             error.source, error.message)};
}

}  // namespace

std::string article_record_json(const fs::path& path,
                                const std::string& feed_id, const Article& a,
                                bool updated) {
  using json = nlohmann::ordered_json;
  const json record = {
      {"path", path.string()},
      {"feed_id", feed_id},
      {"id", a.id},
      {"status", updated ? "updated" : "new"},
      {"title", a.title},
      {"link", a.link},
      {"published",
       a.published ? json(format_iso8601(*a.published)) : json(nullptr)},
      {"image", a.image.empty() ? json(nullptr) : json(a.image)},
      {"caption", a.caption.empty() ? json(nullptr) : json(a.caption)}};
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
}

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
  Result<FeedState> loaded = load_feed_state(dir);
  if (!loaded) {
    return tl::unexpected(write_failure(source, loaded.error()));
  }
  FeedState& state = *loaded;
  std::error_code ec;
  if (!options.dry_run && !fs::create_directories(dir, ec) && ec) {
    return tl::unexpected(
        write_failure(source, {"write", dir.string(), ec.message()}));
  }
  if (!options.dry_run) {
    remove_stale_temporaries(dir);
  }

  std::vector<ItemWork> work = unique_items(*feed);
  FeedWriter writer{options, dir, outcome.feed_id, state, {}, {}};
  parallel_for(work.size(), options.threads,
               [&](std::size_t i) { writer.process(work[i]); });

  if (!options.dry_run) {
    state.key = feed_key_for(source, *feed, options.feed_url);
    state.title = feed->title;
    state.link = feed->link;
    // With an article missing, new validators would let a 304 hide it.
    if (!writer.first_error) {
      state.etag = std::move(etag);
      state.last_modified = std::move(last_modified);
    }
    state.next_fetch.reset();
    state.deferred_since.reset();
    record_in_state(work, state);
  }
  for (ItemWork& w : work) {
    if (was_written(w)) {
      const bool updated = w.status == ItemWork::Status::kUpdated;
      fs::path path = dir / (w.article.id + ".md");
      outcome.written.push_back(
          {std::move(path), outcome.feed_id, std::move(w.article), updated});
    }
  }
  if (options.dry_run) {
    return outcome;
  }
  if (writer.first_error) {
    outcome.failure = write_failure(source, *writer.first_error);
  }
  if (auto saved = save_feed(dir, state, !outcome.written.empty());
      !saved && !outcome.failure) {
    outcome.failure = write_failure(source, saved.error());
  }
  return outcome;
}

Result<UnixTime> defer_feed(const Source& source, UnixTime until,
                            const ArchiveOptions& options) {
  const UnixTime now = options.captured_ms / 1000;
  if (options.dry_run) {
    return now;
  }
  const fs::path dir = options.archive / feed_id(source.location);
  std::error_code ec;
  if (!fs::create_directories(dir, ec) && ec) {
    return fail("write", dir.string(), ec.message());
  }
  Result<FeedState> state = load_feed_state(dir);
  if (!state) {
    return tl::unexpected(state.error());
  }
  state->key = source.location;
  state->next_fetch = until;
  state->deferred_since = state->deferred_since.value_or(now);
  if (auto saved = save_feed_state(dir, *state); !saved) {
    return tl::unexpected(saved.error());
  }
  return *state->deferred_since;
}

Result<FeedOutcome> archive_local_source(const Source& source,
                                         const ArchiveOptions& options) {
  Result<Response> response = read_local_source(source, options.max_size);
  if (!response) {
    return tl::unexpected(response.error());
  }
  response->final_url = options.feed_url;
  return archive_response(source, std::move(*response), options);
}

}  // namespace feedmark
