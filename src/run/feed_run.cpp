#include "feed_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "store/format_switch.h"
#include "feedmark/decode/decode.h"
#include "feedmark/extract/page.h"
#include "feedmark/util/parallel.h"
#include "feedmark/write/write.h"

namespace feedmark {
namespace {

namespace fs = std::filesystem;

// The indexes change with the articles or the feed's title and link; a
// folder whose month counts are not known (no state, or an older one) has
// them rebuilt from its files, once.
Result<void> update_indexes(const fs::path& dir, const std::string& old_header,
                            const std::vector<IndexChange>& changes,
                            FeedState& state, ArticleFormat format) {
  const std::string header = feed_index_header(state.title, state.link);
  if (!state.months) {
    Result<MonthCounts> months = rebuild_feed_index(dir, header, format);
    if (!months) {
      return tl::unexpected(months.error());
    }
    state.months = std::move(*months);
    return {};
  }
  std::error_code ec;
  if (changes.empty() && header == old_header &&
      fs::exists(
          dir / (format == ArticleFormat::kHugo ? "_index.md" : "index.md"),
          ec)) {
    return {};
  }
  return update_feed_index(dir, header, changes, *state.months, format);
}

// The articles reach the disk before the state that lists them, so the
// state never vouches for a file a power cut could leave empty: one syncfs
// for the whole feed, then the state, itself synced before its rename.
Result<void> save_feed(const fs::path& dir, const std::string& old_header,
                       const std::vector<IndexChange>& changes,
                       FeedState& state, bool wrote_files,
                       ArticleFormat format) {
  Result<void> indexed =
      update_indexes(dir, old_header, changes, state, format);
  if (!indexed) {
    // The next run fetches and parses the feed again and rebuilds the
    // indexes from the article files.
    state.months.reset();
    state.body.clear();
    state.raw_context.clear();
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

}  // namespace

// "feedmark: https://x/feed.xml: cannot write ARCHIVE/…/x.md: No space left
// on device": the line names the feed, as every failure of a source does.
Error write_failure(const Source& source, const Error& error) {
  return {"write", source.location,
          error.source.empty() ? error.message
                               : fmt::format("cannot write {}: {}",
                                             error.source, error.message)};
}

FeedRun::FeedRun(const Source& source, const ArchiveOptions& options, Feed feed,
                 std::string key, FeedState state, std::string body_fingerprint,
                 const std::vector<ItemOrigin>& origins,
                 std::string raw_context)
    : source_(source),
      options_(options),
      feed_(std::move(feed)),
      key_(std::move(key)),
      dir_(options_.archive / feed_id(key_)),
      state_(std::move(state)),
      body_fingerprint_(std::move(body_fingerprint)),
      raw_context_(std::move(raw_context)),
      work_(unique_items(feed_, state_, origins, options_.id_policy,
                         options_.filter)),
      writer_(options_, dir_, {feed_.title, feed_.link, feed_id(key_)},
              state_) {
  outcome_.feed_id = feed_id(key_);
  outcome_.items = origins.size();
  outcome_.unparsed = static_cast<std::size_t>(
      std::count_if(origins.begin(), origins.end(),
                    [](const ItemOrigin& o) { return o.carried; }));
  outcome_.warnings = feed_.warnings;
  if (!options_.full_text.selector.empty()) {
    if (Result<Selector> parsed =
            Selector::parse(options_.full_text.selector)) {
      selector_ = std::move(*parsed);
    }
  }
}

void FeedRun::set_validators(std::string etag, std::string last_modified) {
  etag_ = std::move(etag);
  last_modified_ = std::move(last_modified);
}

void FeedRun::extract_all() {
  parallel_for(work_.size(), options_.threads,
               [&](std::size_t i) { writer_.process(work_[i]); });
  list_page_requests();
  if (!requests_.empty()) {
    step_ = Step::kPages;
    return;
  }
  list_image_requests();
  step_ = requests_.empty() ? Step::kDone : Step::kImages;
}

void FeedRun::done(std::size_t i, Result<HttpResult> result) {
  if (step_ == Step::kPages) {
    page_done(i, std::move(result));
  } else if (step_ == Step::kImages) {
    image_done(i, std::move(result));
  }
}

// The pages are in: the items that waited for them are extracted (from
// the page's article, or from the feed's body when it failed), then their
// images and those of the others are asked for.
bool FeedRun::advance() {
  if (step_ != Step::kPages) {
    step_ = Step::kDone;
    return false;
  }
  std::vector<std::size_t> waiting;
  for (std::size_t i = 0; i < work_.size(); ++i) {
    ItemWork& w = work_[i];
    if (w.awaiting_page) {
      waiting.push_back(i);
      const bool same_item =
          w.known != nullptr && w.known->fingerprint == w.fingerprint;
      w.page_tries = w.full_item ? 0 : same_item ? w.known->page_tries + 1 : 1;
    }
  }
  parallel_for(waiting.size(), options_.threads, [&](std::size_t i) {
    writer_.process_after_page(work_[waiting[i]]);
  });
  requests_.clear();
  list_image_requests();
  step_ = requests_.empty() ? Step::kDone : Step::kImages;
  return step_ == Step::kImages;
}

// Each article page once, even if two items link it.
void FeedRun::list_page_requests() {
  std::unordered_map<std::string, std::size_t> listed;
  for (std::size_t i = 0; i < work_.size(); ++i) {
    const ItemWork& w = work_[i];
    if (!w.awaiting_page) {
      continue;
    }
    const auto [it, added] = listed.try_emplace(w.item->link, requests_.size());
    if (added) {
      HttpRequest& r = requests_.emplace_back();
      r.url = w.item->link;
      r.user_agent = options_.images.user_agent;
      r.ca_file = options_.images.ca_file;
      r.cookie_file = options_.images.cookie_file;
      r.max_size = options_.max_size;
      r.public_only = !options_.images.allow_private_networks;
      page_items_.emplace_back();
    }
    page_items_[it->second].push_back(i);
  }
}

void FeedRun::page_done(std::size_t i, Result<HttpResult> result) {
  const HttpRequest& request = requests_.at(i);
  std::string failure;
  if (!result) {
    failure = result.error().message;
  } else if (result->kind != HttpResult::Kind::kFetched) {
    failure = "no page in the response";
  } else {
    const std::string url = result->response.final_url.empty()
                                ? request.url
                                : result->response.final_url;
    Result<Document> page =
        decode_page(std::move(result->response), request.url);
    std::optional<PageArticle> article;
    if (!page) {
      failure = page.error().message;
    } else if (!(article = extract_page(page->utf8, url,
                                        selector_ ? &*selector_ : nullptr))) {
      failure = "no article found on the page";
    } else {
      for (std::size_t item : page_items_.at(i)) {
        Item full = *work_[item].item;
        full.content_html = article->content_html;
        full.base = url;
        work_[item].full_item = std::move(full);
        cache_page(work_[item].id, article->content_html);
      }
      ++outcome_.pages_used;
    }
  }
  if (!failure.empty()) {
    outcome_.page_failures.push_back(
        fmt::format("{}: {}", request.url, failure));
  }
}

// Each missing image once, whichever articles show it; the first article
// that shows it is its Referer (hotlink protection looks at it).
// The page's article, for the runs that extract the item again. A cache
// that cannot be written only costs a fetch later.
void FeedRun::cache_page(const std::string& id, const std::string& html) {
  if (options_.dry_run) {
    return;
  }
  const fs::path path = writer_.page_cache(id);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  (void)write_file_atomically(path, html);
}

// The cached pages of items that left the feed go with them: the cache
// stays the size of the feed.
void FeedRun::forget_pages_of_departed_items() {
  std::unordered_set<std::string_view> current;
  for (const ItemWork& w : work_) {
    current.insert(w.id);
  }
  std::error_code ec;
  for (const CurrentItem& item : state_.current) {
    if (!current.contains(item.id)) {
      fs::remove(writer_.page_cache(item.id), ec);
    }
  }
}

void FeedRun::list_image_requests() {
  std::unordered_set<std::string> listed;
  bool folder_ready = false;
  for (const ItemWork& w : work_) {
    if (!w.awaiting_images) {
      continue;
    }
    if (!folder_ready) {
      if (auto created = writer_.media().create_folder(); !created) {
        outcome_.image_failures.push_back(fmt::format("cannot create {}: {}",
                                                      created.error().source,
                                                      created.error().message));
        return;  // the articles are written with the images' URLs
      }
      folder_ready = true;
    }
    for (const std::string& url : w.article.images) {
      if (writer_.media().local_path(url).empty() &&
          listed.insert(url).second) {
        HttpRequest& r = requests_.emplace_back();
        r.url = url;
        r.user_agent = options_.images.user_agent;
        r.ca_file = options_.images.ca_file;
        r.cookie_file = options_.images.cookie_file;
        r.referer = w.article.link;
        r.max_size = options_.images.max_size;
        r.public_only = !options_.images.allow_private_networks;
        r.image_file = writer_.media().temporary_for(url).string();
      }
    }
  }
}

void FeedRun::image_done(std::size_t i, Result<HttpResult> result) {
  const HttpRequest& request = requests_.at(i);
  if (!result) {
    outcome_.image_failures.push_back(
        fmt::format("{}: {}", request.url, result.error().message));
    return;
  }
  if (result->kind != HttpResult::Kind::kFetched ||
      result->response.image_type.empty()) {
    outcome_.image_failures.push_back(
        fmt::format("{}: no image in the response", request.url));
    return;
  }
  if (auto placed = writer_.media().place(request.url, request.image_file,
                                          result->response.image_type);
      !placed) {
    outcome_.image_failures.push_back(
        fmt::format("{}: cannot write {}: {}", request.url,
                    placed.error().source, placed.error().message));
    return;
  }
  saved_urls_.push_back(request.url);
  ++outcome_.images_saved;
}

FeedOutcome FeedRun::finish() {
  std::vector<std::size_t> waiting;
  for (std::size_t i = 0; i < work_.size(); ++i) {
    if (work_[i].awaiting_images) {
      waiting.push_back(i);
    }
  }
  parallel_for(waiting.size(), options_.threads,
               [&](std::size_t i) { writer_.finish(work_[waiting[i]]); });
  count_images();
  for (ItemWork& w : work_) {
    outcome_.extracted += w.extracted ? 1 : 0;
    if (was_written(w)) {
      const bool updated = w.status == ItemWork::Status::kUpdated;
      outcome_.written.push_back({dir_ / (w.id + ".md"), outcome_.feed_id,
                                  std::move(w.article), updated});
    }
  }
  if (!options_.dry_run) {
    save();
  }
  return std::move(outcome_);
}

// "Already there": the saved images the extracted articles show that this
// run did not download.
void FeedRun::count_images() {
  if (!options_.images.save) {
    return;
  }
  std::unordered_set<std::string> shown;
  for (const ItemWork& w : work_) {
    shown.insert(w.article.local_images.begin(), w.article.local_images.end());
  }
  outcome_.images_present =
      shown.size() - std::min(shown.size(), saved_urls_.size());
}

void FeedRun::save() {
  const std::string old_header = feed_index_header(state_.title, state_.link);
  state_.key = key_;
  state_.title = feed_.title;
  state_.link = feed_.link;
  // With an article missing, new validators (or the body's fingerprint)
  // would let the next run skip it.
  if (!writer_.first_error()) {
    state_.etag = std::move(etag_);
    state_.last_modified = std::move(last_modified_);
    state_.body = body_fingerprint_;
    state_.raw_context = raw_context_;
  } else {
    state_.body.clear();
    state_.raw_context.clear();
  }
  state_.next_fetch.reset();
  state_.deferred_since.reset();
  const std::vector<IndexChange> changes = index_changes(work_);
  forget_pages_of_departed_items();
  switch_format();
  record_in_state(work_, state_);  // the items' `known` point into it no more
  if (writer_.first_error()) {
    outcome_.failure = write_failure(source_, *writer_.first_error());
  }
  const bool wrote = !outcome_.written.empty() || !changes.empty() ||
                     outcome_.images_saved > 0;
  if (auto saved = save_feed(dir_, old_header, changes, state_,
                             wrote || outcome_.converted > 0,
                             options_.renderer.format());
      !saved && !outcome_.failure) {
    outcome_.failure = write_failure(source_, saved.error());
  }
}

// A folder last written in another format: the articles this run did not
// write are written again in this one, and the indexes rebuilt from the
// files in its layout (index.md becomes _index.md, or back).
void FeedRun::switch_format() {
  const std::string shape = options_.renderer.shape();
  if (state_.format == shape || writer_.first_error()) {
    return;
  }
  std::unordered_set<std::string> written;
  for (const ItemWork& w : work_) {
    written.insert(w.id);
  }
  Result<std::size_t> rewritten =
      rewrite_in_format(dir_, options_.renderer,
                        {feed_.title, feed_.link, outcome_.feed_id}, written);
  if (!rewritten) {
    // The old format stays recorded: the next run tries again.
    outcome_.failure = write_failure(source_, rewritten.error());
    return;
  }
  outcome_.converted = *rewritten;
  state_.format = shape;
  state_.months.reset();
}

}  // namespace feedmark
