#include "feed_writer.h"

#include <fstream>
#include <iterator>
#include <unordered_set>

#include "store/archive_files.h"
#include "feedmark/util/sha256.h"
#include "feedmark/write/write.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

bool same_index_line(const ArticleEntry& a, const ArticleEntry& b) {
  return a.title_md == b.title_md && a.published == b.published &&
         a.captured_ms == b.captured_ms;
}

}  // namespace

std::vector<ItemWork> unique_items(const Feed& feed, const FeedState& state,
                                   const std::vector<ItemOrigin>& origins,
                                   IdPolicy policy, const ItemFilter& filter) {
  std::vector<ItemWork> work;
  work.reserve(origins.size());
  std::unordered_set<std::string> seen;
  for (const ItemOrigin& origin : origins) {
    // A carried item passed the same filter when it was archived.
    const CurrentItem* known =
        origin.carried ? &state.current.at(origin.index) : nullptr;
    const Item* item = origin.carried ? nullptr : &feed.items.at(origin.index);
    if (item != nullptr && !filter.accepts(*item)) {
      continue;
    }
    std::string id = known ? known->id : short_hash(item_key(*item, policy));
    if (!seen.insert(id).second) {
      continue;
    }
    ItemWork& w = work.emplace_back();
    w.item = item;
    w.id = std::move(id);
    w.raw = origin.raw;
    if (known != nullptr) {
      w.known = known;
      w.fingerprint = known->fingerprint;
      w.entry = known->entry;
      w.image_tries = known->image_tries;
      w.page_tries = known->page_tries;
    }
  }
  return work;
}

FeedWriter::FeedWriter(const ArchiveOptions& options, fs::path dir,
                       FeedContext feed, const FeedState& state)
    : options_(options),
      dir_(std::move(dir)),
      feed_id_(feed.id),
      feed_(std::move(feed)),
      media_(dir_),
      extract_options_(make_extract_options()) {
  known_.reserve(state.current.size());
  for (const CurrentItem& item : state.current) {
    known_.emplace(item.id, &item);
  }
}

// The options are the same for every item of the feed: made once, not
// for each item's fingerprint and extraction.
ExtractOptions FeedWriter::make_extract_options() const {
  const FullTextOptions& full = options_.full_text;
  return {options_.image_proxy,
          options_.images.save ? static_cast<const ImageLocator*>(&media_)
                               : nullptr,
          full.mode == FullText::kNever
              ? std::string()
              : (full.mode == FullText::kAuto ? "auto\n" : "always\n") +
                    full.selector,
          options_.id_policy, rendering()};
}

// Seed files show nothing of the feed and leave the fingerprints as they
// were before formats; the others show the feed's title.
std::string FeedWriter::rendering() const {
  return options_.renderer.writes_seed()
             ? std::string()
             : options_.renderer.shape() + "\n" + feed_.title;
}

// Whether the file at `path` already is the article as rendered: trusted
// from the state when the size matches what it recorded (one stat), else
// read. The file may have been written by a run killed before it saved the
// state, or be older than a state file put back.
bool FeedWriter::in_place(ItemWork& w, const fs::path& path,
                          const ArticleEntry* known,
                          const PreparedArticle& prepared, bool& exists) {
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
  // The file as this run would write it, at the capture time it states
  // (a template may state none, and then show none).
  const std::optional<std::string> text = read_whole_file(path);
  std::optional<ArticleEntry> on_disk =
      text ? article_entry_of(*text) : std::nullopt;
  const std::int64_t captured = on_disk ? on_disk->captured_ms : 0;
  if (text && *text == options_.renderer.assemble(prepared, captured)) {
    w.entry.captured_ms = captured;
    w.entry.size = static_cast<std::int64_t>(text->size());
    return true;
  }
  if (!w.before) {
    w.before = std::move(on_disk);
  }
  return false;
}

// An item whose fingerprint is the one archived, with its file of the size
// recorded, needs nothing: no extraction, no rendering, one stat. Unless
// its images failed last time and are due for another try.
bool FeedWriter::unchanged_since_archived(ItemWork& w) const {
  const CurrentItem* item = w.known;
  if (item == nullptr || item->fingerprint.empty() ||
      item->fingerprint != w.fingerprint || !article_in_place(dir_, *item)) {
    return false;
  }
  w.entry = item->entry;
  w.image_tries = item->image_tries;
  w.page_tries = item->page_tries;
  return true;
}

void FeedWriter::process(ItemWork& w) {
  if (w.item == nullptr) {
    return;  // carried: in place as its raw bytes made it
  }
  w.fingerprint = item_fingerprint(*w.item, extract_options_);
  const auto found = known_.find(w.id);
  w.known = found == known_.end() ? nullptr : found->second;
  if (unchanged_since_archived(w)) {
    return;
  }
  // With --dry-run nothing is downloaded: no page, no image; the article
  // is shown as it would be written without them.
  if (!options_.dry_run && page_needed(w)) {
    w.awaiting_page = true;
    return;
  }
  extract(w);
  write_unless_awaiting_images(w);
}

fs::path FeedWriter::page_cache(const std::string& id) const {
  return dir_ / ".pages" / (id + ".html");
}

// A page is fetched once per article (SPEC "Full text"): for a new or
// changed item that wants it, or one whose page is due for another try.
// An unchanged item extracted again takes its page's article from the
// cache; one whose page failed 3 times keeps the feed's body.
bool FeedWriter::page_needed(ItemWork& w) const {
  if (!wants_full_text(*w.item, options_.full_text.mode)) {
    return false;
  }
  const CurrentItem* known = w.known;
  if (known == nullptr || known->fingerprint != w.fingerprint) {
    return true;
  }
  if (known->page_tries >= kMaxPageTries) {
    w.page_tries = known->page_tries;
    return false;
  }
  if (known->page_tries > 0) {
    return true;
  }
  std::ifstream in(page_cache(w.id), std::ios::binary);
  if (!in) {
    return true;  // the cache is gone: the page once more
  }
  Item full = *w.item;
  full.content_html.assign(std::istreambuf_iterator<char>(in), {});
  w.full_item = std::move(full);
  return false;
}

void FeedWriter::process_after_page(ItemWork& w) {
  w.awaiting_page = false;
  extract(w);
  write_unless_awaiting_images(w);
}

void FeedWriter::write_unless_awaiting_images(ItemWork& w) {
  w.awaiting_images = !options_.dry_run &&
                      w.article.local_images.size() < w.article.images.size();
  if (!w.awaiting_images) {
    write(w);
  }
}

void FeedWriter::finish(ItemWork& w) {
  extract(w);
  write(w);
}

void FeedWriter::extract(ItemWork& w) {
  w.article =
      extract_article(w.full_item ? *w.full_item : *w.item, extract_options_);
  w.extracted = true;
  // Runs in a row this article's images failed: a changed item starts over.
  const bool missing = w.article.local_images.size() < w.article.images.size();
  const bool same_item =
      w.known != nullptr && w.known->fingerprint == w.fingerprint;
  w.image_tries = !missing ? 0 : same_item ? w.known->image_tries + 1 : 1;
}

void FeedWriter::write(ItemWork& w) {
  const CurrentItem* item = w.known;
  const ArticleRenderer& renderer = options_.renderer;
  const PreparedArticle prepared = renderer.prepare(w.article, feed_);
  std::string rendered = renderer.assemble(prepared, options_.captured_ms);
  w.entry.title_md = escape_markdown_text(w.article.title);
  w.entry.published = w.article.published;
  // What the article says, whenever it was captured: seed's capture time
  // is its first line alone; the other formats state it in places.
  w.entry.digest = renderer.writes_seed()
                       ? short_hash(article_content(rendered))
                       : short_hash(renderer.assemble(prepared, 0));
  if (item != nullptr && item->entry.size >= 0) {
    w.before = item->entry;  // else a failed write: the file tells
  }
  const fs::path path = dir_ / (w.id + ".md");
  const ArticleEntry* recorded =
      item != nullptr && item->entry.digest == w.entry.digest ? &item->entry
                                                              : nullptr;
  bool exists = false;
  if (in_place(w, path, recorded, prepared, exists)) {
    // In place, but not as the state knew it: a run killed after writing it
    // and before saving the state, or an item back in the feed. Its index
    // line is put right (an index update is idempotent).
    w.reindex = item == nullptr || !same_index_line(item->entry, w.entry);
    return;
  }
  w.status = exists ? ItemWork::Status::kUpdated : ItemWork::Status::kNew;
  w.entry.captured_ms = options_.captured_ms;
  if (recorded != nullptr) {
    // Deleted or damaged (a power cut can leave a file empty): put back as
    // it was recorded, capture time included.
    w.entry.captured_ms = recorded->captured_ms;
    rendered = renderer.assemble(prepared, w.entry.captured_ms);
  }
  w.entry.size = static_cast<std::int64_t>(rendered.size());
  // The body is in `rendered` now; what is printed about the article needs
  // only its header fields, and 5,000 bodies held to the end cost 25 MB.
  std::string().swap(w.article.body_html);
  if (options_.dry_run) {
    return;
  }
  const std::string record =
      options_.journal == nullptr
          ? std::string()
          : article_record_json(path, feed_id_, w.article,
                                w.status == ItemWork::Status::kUpdated);
  // One writer at a time: creating files in one folder serializes on the
  // folder's lock in the kernel, and threads spinning on it cost more CPU than
  // the writes themselves; the other threads extract meanwhile.
  const std::lock_guard lock(write_mutex_);
  if (auto written = put_in_place(path, rendered, record); !written) {
    w.status = ItemWork::Status::kFailed;
    if (!first_error_) {
      first_error_ = written.error();
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
  if (options_.journal != nullptr) {
    if (auto noted = options_.journal->append(record); !noted) {
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
  state.current.reserve(work.size());
  for (const ItemWork& w : work) {
    if (w.status == ItemWork::Status::kFailed) {
      ArticleEntry unknown;
      unknown.size = -1;
      state.current.push_back({w.id, "", unknown, 0, 0, ""});
    } else {
      state.current.push_back(
          {w.id, w.fingerprint, w.entry, w.image_tries, w.page_tries, w.raw});
    }
  }
}

std::vector<IndexChange> index_changes(const std::vector<ItemWork>& work) {
  std::vector<IndexChange> changes;
  for (const ItemWork& w : work) {
    if (was_written(w) || w.reindex) {
      changes.push_back({w.id, w.before, w.entry});
    }
  }
  return changes;
}

}  // namespace feedmark
