#include "feedmark/archive/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "feedmark/archive/catalogue.h"
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
  std::string id;
  std::string fingerprint;  ///< item_fingerprint
  Article article;          ///< extracted unless the fingerprint was known
  bool extracted = false;
  bool reindex = false;  ///< in place, but its index line may be missing
  ArticleEntry entry;    ///< of the version in place
  /// The version a written article replaced, if known: the indexes move
  /// it when its month changed.
  std::optional<ArticleEntry> before;
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
      ItemWork& w = work.emplace_back();
      w.item = &item;
      w.id = std::move(id);
    }
  }
  return work;
}

/// Everything one feed's items share while they are processed.
struct FeedWriter {
  const ArchiveOptions& options;
  const fs::path& dir;
  const std::string& feed_id;
  /// The state's current items, by id.
  std::unordered_map<std::string_view, const CurrentItem*> known;
  std::mutex write_mutex;
  std::optional<Error> first_error;

  void process(ItemWork& w);
  bool unchanged_since_archived(ItemWork& w, const CurrentItem* item) const;
  bool in_place(ItemWork& w, const fs::path& path, const ArticleEntry* known,
                bool& exists);
  Result<void> put_in_place(const fs::path& path, const std::string& rendered,
                            const std::string& record);
};

bool same_index_line(const ArticleEntry& a, const ArticleEntry& b) {
  return a.title_md == b.title_md && a.published == b.published &&
         a.captured_ms == b.captured_ms;
}

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
    w.entry.captured_ms = known->captured_ms;
    w.entry.size = known->size;
    return true;
  }
  std::optional<ArticleEntry> on_disk = read_article_entry(path);
  if (on_disk && on_disk->digest == w.entry.digest) {
    w.entry.captured_ms = on_disk->captured_ms;
    w.entry.size = on_disk->size;
    return true;
  }
  if (!w.before) {
    w.before = std::move(on_disk);
  }
  return false;
}

// An item whose fingerprint is the one archived, with its file of the size
// recorded, needs nothing: no extraction, no rendering, one stat.
bool FeedWriter::unchanged_since_archived(ItemWork& w,
                                          const CurrentItem* item) const {
  if (item == nullptr || item->fingerprint.empty() ||
      item->fingerprint != w.fingerprint || item->entry.size < 0) {
    return false;
  }
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(dir / (w.id + ".md"), ec);
  if (ec || size != static_cast<std::uintmax_t>(item->entry.size)) {
    return false;
  }
  w.entry = item->entry;
  return true;
}

void FeedWriter::process(ItemWork& w) {
  const ExtractOptions extract_options{options.image_proxy};
  w.fingerprint = item_fingerprint(*w.item, extract_options);
  const auto found = known.find(w.id);
  const CurrentItem* item = found == known.end() ? nullptr : found->second;
  if (unchanged_since_archived(w, item)) {
    return;
  }
  w.article = extract_article(*w.item, extract_options);
  w.extracted = true;
  std::string rendered = render_article(w.article, options.captured_ms);
  w.entry.title_md = escape_markdown_text(w.article.title);
  w.entry.published = w.article.published;
  w.entry.digest = short_hash(article_content(rendered));
  if (item != nullptr && item->entry.size >= 0) {
    w.before = item->entry;  // else a failed write: the file tells
  }
  const fs::path path = dir / (w.id + ".md");
  const ArticleEntry* recorded =
      item != nullptr && item->entry.digest == w.entry.digest ? &item->entry
                                                              : nullptr;
  bool exists = false;
  if (in_place(w, path, recorded, exists)) {
    // In place, but not as the state knew it: a run killed after writing it
    // and before saving the state, or an item back in the feed. Its index
    // line is put right (an index update is idempotent).
    w.reindex = item == nullptr || !same_index_line(item->entry, w.entry);
    return;
  }
  w.status = exists ? ItemWork::Status::kUpdated : ItemWork::Status::kNew;
  w.entry.captured_ms = options.captured_ms;
  if (recorded != nullptr) {
    // Deleted or damaged (a power cut can leave a file empty): put back as
    // it was recorded, capture time included.
    w.entry.captured_ms = recorded->captured_ms;
    rendered = render_article(w.article, w.entry.captured_ms);
  }
  w.entry.size = static_cast<std::int64_t>(rendered.size());
  // The body is in `rendered` now; what is printed about the article needs
  // only its header fields, and 5,000 bodies held to the end cost 25 MB.
  std::string().swap(w.article.body_html);
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

// A failed article is listed without its fingerprint or size: the next run
// extracts it again, sends no validators until it is written, and learns
// from the file what its index line was.
void record_in_state(std::vector<ItemWork>& work, FeedState& state) {
  state.current.clear();
  state.current.reserve(work.size());
  for (ItemWork& w : work) {
    if (w.status == ItemWork::Status::kFailed) {
      ArticleEntry unknown;
      unknown.size = -1;
      state.current.push_back({w.id, "", unknown});
    } else {
      state.current.push_back({w.id, w.fingerprint, w.entry});
    }
  }
}

std::vector<IndexChange> index_changes(const std::vector<ItemWork>& work) {
  std::vector<IndexChange> changes;
  for (const ItemWork& w : work) {
    if (w.status == ItemWork::Status::kNew ||
        w.status == ItemWork::Status::kUpdated || w.reindex) {
      changes.push_back({w.id, w.before, w.entry});
    }
  }
  return changes;
}

// The indexes change with the articles or the feed's title and link; a
// folder whose month counts are not known (no state, or an older one) has
// them rebuilt from its files, once.
Result<void> update_indexes(const fs::path& dir, const std::string& old_header,
                            const std::vector<IndexChange>& changes,
                            FeedState& state) {
  const std::string header = feed_index_header(state.title, state.link);
  if (!state.months) {
    Result<MonthCounts> months = rebuild_feed_index(dir, header);
    if (!months) {
      return tl::unexpected(months.error());
    }
    state.months = std::move(*months);
    return {};
  }
  std::error_code ec;
  if (changes.empty() && header == old_header &&
      fs::exists(dir / "index.md", ec)) {
    return {};
  }
  return update_feed_index(dir, header, changes, *state.months);
}

// The articles reach the disk before the state that lists them, so the
// state never vouches for a file a power cut could leave empty: one syncfs
// for the whole feed, then the state, itself synced before its rename.
Result<void> save_feed(const fs::path& dir, const std::string& old_header,
                       const std::vector<IndexChange>& changes,
                       FeedState& state, bool wrote_files) {
  Result<void> indexed = update_indexes(dir, old_header, changes, state);
  if (!indexed) {
    // The next run fetches and parses the feed again and rebuilds the
    // indexes from the article files.
    state.months.reset();
    state.body.clear();
    state.etag.clear();
    state.last_modified.clear();
  }
  if (wrote_files) {
    if (auto synced = sync_file_system(dir); !synced) {
      return synced;
    }
  }
  Result<void> saved = save_feed_state(dir, state);
  return indexed ? saved : indexed;
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

namespace {

// The bytes of a document, what the response said of them (its charset,
// and the URL relative links resolve against) and every option that shapes
// its articles.
std::string body_fingerprint(const Response& response,
                             const ArchiveOptions& options) {
  return Fingerprint()
      .add(FEEDMARK_VERSION)
      .add(options.image_proxy)
      .add(options.zone)
      .add(options.encoding)
      .add(response.content_type)
      .add(response.final_url)
      .add(response.body)
      .hex();
}

// The feed key when it is known before parsing: a URL, or --feed-url.
std::string key_before_parsing(const Source& source,
                               const ArchiveOptions& options) {
  return source.kind == Source::Kind::kUrl ? source.location : options.feed_url;
}

// A document whose bytes are those last archived, under the same options,
// made the articles that are in place: nothing to decode, parse or write.
// Only the validators and the deferral change.
// `state` is the folder's state when its key is known before parsing (read
// here unless the caller had it); it is kept for the rest of the run when
// the body changed.
std::optional<FeedOutcome> archive_if_same_body(
    const Source& source, const std::string& fingerprint, Response& response,
    const ArchiveOptions& options, std::optional<FeedState>& state) {
  const std::string key = key_before_parsing(source, options);
  if (key.empty()) {
    return std::nullopt;
  }
  const fs::path dir = options.archive / feed_id(key);
  if (!state) {
    state = read_state_file(dir);
  }
  if (!state || state->body != fingerprint ||
      !current_articles_intact(dir, *state)) {
    return std::nullopt;
  }
  FeedOutcome outcome;
  outcome.feed_id = feed_id(key);
  outcome.items = state->current.size();
  outcome.bytes = response.body.size();
  outcome.same_document = true;
  if (!options.dry_run) {
    state->etag = std::move(response.etag);
    state->last_modified = std::move(response.last_modified);
    state->next_fetch.reset();
    state->deferred_since.reset();
    if (auto saved = save_feed_state(dir, *state); !saved) {
      outcome.failure = write_failure(source, saved.error());
    }
  }
  return outcome;
}

}  // namespace

Result<FeedOutcome> archive_response(const Source& source, Response&& response,
                                     const ArchiveOptions& options,
                                     std::optional<FeedState> known_state) {
  const std::string fingerprint = body_fingerprint(response, options);
  std::optional<FeedState> early_state =
      source.kind == Source::Kind::kUrl ? std::move(known_state) : std::nullopt;
  if (std::optional<FeedOutcome> same = archive_if_same_body(
          source, fingerprint, response, options, early_state)) {
    return std::move(*same);
  }
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
  const std::string key = feed_key_for(source, *feed, options.feed_url);
  outcome.feed_id = feed_id(key);
  outcome.items = feed->items.size();
  outcome.bytes = bytes;
  outcome.warnings = feed->warnings;
  const fs::path dir = options.archive / outcome.feed_id;
  FeedState state = early_state && key == key_before_parsing(source, options)
                        ? std::move(*early_state)
                        : load_feed_state(dir);
  std::error_code ec;
  if (!options.dry_run && fs::create_directories(dir, ec)) {
    state.months.emplace();  // a new folder: no article to index but ours
  } else if (ec) {
    return tl::unexpected(
        write_failure(source, {"write", dir.string(), ec.message()}));
  }

  std::vector<ItemWork> work = unique_items(*feed);
  FeedWriter writer{options, dir, outcome.feed_id, {}, {}, {}};
  writer.known.reserve(state.current.size());
  for (const CurrentItem& item : state.current) {
    writer.known.emplace(item.id, &item);
  }
  parallel_for(work.size(), options.threads,
               [&](std::size_t i) { writer.process(work[i]); });

  for (ItemWork& w : work) {
    outcome.extracted += w.extracted ? 1 : 0;
    if (was_written(w)) {
      const bool updated = w.status == ItemWork::Status::kUpdated;
      outcome.written.push_back({dir / (w.id + ".md"), outcome.feed_id,
                                 std::move(w.article), updated});
    }
  }
  if (options.dry_run) {
    return outcome;
  }
  const std::string old_header = feed_index_header(state.title, state.link);
  state.key = key;
  state.title = feed->title;
  state.link = feed->link;
  // With an article missing, new validators (or the body's fingerprint)
  // would let the next run skip it.
  if (!writer.first_error) {
    state.etag = std::move(etag);
    state.last_modified = std::move(last_modified);
    state.body = fingerprint;
  } else {
    state.body.clear();
  }
  state.next_fetch.reset();
  state.deferred_since.reset();
  const std::vector<IndexChange> changes = index_changes(work);
  writer.known.clear();  // it points into state.current
  record_in_state(work, state);
  if (writer.first_error) {
    outcome.failure = write_failure(source, *writer.first_error);
  }
  if (auto saved = save_feed(dir, old_header, changes, state,
                             !outcome.written.empty() || !changes.empty());
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
  FeedState state = load_feed_state(dir);
  state.key = source.location;
  state.next_fetch = until;
  state.deferred_since = state.deferred_since.value_or(now);
  if (auto saved = save_feed_state(dir, state); !saved) {
    return tl::unexpected(saved.error());
  }
  return *state.deferred_since;
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
