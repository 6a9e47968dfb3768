#include "feedmark/run/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "run/changed_items.h"
#include "feed_run.h"
#include "feedmark/store/catalogue.h"
#include "feedmark/run/raw_items.h"
#include "feedmark/decode/decode.h"
#include "feedmark/parse/parse.h"
#include "feedmark/util/parallel.h"
#include "feedmark/util/sha256.h"
#include "feedmark/util/url.h"
#include "feedmark/write/write.h"

namespace feedmark {

namespace fs = std::filesystem;

std::string article_record_json(const fs::path& path,
                                const std::string& feed_id, const Article& a,
                                bool updated) {
  using json = nlohmann::ordered_json;
  json record = {
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
  if (!a.images.empty()) {
    record["images"] = a.local_images;  // --save-images: those saved
  }
  return record.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string shard_key(const Source& source, const ArchiveOptions& options) {
  return feed_key_for(source, Feed{}, options.feed_url);
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

// What shapes a document's articles beside its bytes: every option, and
// what the response said of them (its charset, and the URL relative links
// resolve against).
std::string shaping_fingerprint(const Response& response,
                                const ArchiveOptions& options) {
  return Fingerprint()
      .add(FEEDMARK_VERSION)
      .add(options.image_proxy)
      .add(options.images.save ? "save-images" : "")
      .add(static_cast<long long>(options.full_text.mode))
      .add(options.full_text.selector)
      .add(static_cast<long long>(options.id_policy))
      .add(options.filter.describe())
      .add(options.renderer.shape())
      .add(options.zone)
      .add(options.encoding)
      .add(response.content_type)
      .add(response.final_url)
      .hex();
}

// The bytes of a document and what shaped its articles beside them.
std::string body_fingerprint(std::string_view body,
                             const std::string& shaping) {
  return Fingerprint().add(shaping).add_in_blocks(body).hex();
}

// The document cut into its items, each hashed, unless it is JSON or
// cannot be cut.
std::optional<RawItems> raw_items_of(std::string_view body) {
  return looks_like_json(body) ? std::nullopt : cut_items(body);
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
  // The state is written again only if this changes it: a server without
  // validators, or a local file, leaves it as it was (a 1 MB state of 5,000
  // items took a tenth of the run to write).
  const bool changes_state = state->etag != response.etag ||
                             state->last_modified != response.last_modified ||
                             state->next_fetch || state->deferred_since;
  if (!options.dry_run && changes_state) {
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

PendingFeed::PendingFeed(std::unique_ptr<FeedRun> run) : run_(std::move(run)) {}
PendingFeed::PendingFeed(PendingFeed&&) noexcept = default;
PendingFeed& PendingFeed::operator=(PendingFeed&&) noexcept = default;
PendingFeed::~PendingFeed() = default;

const std::vector<HttpRequest>& PendingFeed::requests() const {
  return run_->requests();
}

void PendingFeed::done(std::size_t i, Result<HttpResult> result) {
  run_->done(i, std::move(result));
}

bool PendingFeed::advance() {
  return run_->advance();
}

FeedOutcome PendingFeed::finish() {
  return run_->finish();
}

namespace {

// The feed's items extracted and written; what is left waits for its
// downloads.
Archiving run_feed(std::unique_ptr<FeedRun> run) {
  run->extract_all();
  if (run->requests().empty()) {
    return Archiving(run->finish());
  }
  return Archiving(PendingFeed(std::move(run)));
}

}  // namespace

Result<Archiving> start_archiving(const Source& source, Response&& response,
                                  const ArchiveOptions& options,
                                  std::optional<FeedState> known_state) {
  const std::string shaping = shaping_fingerprint(response, options);
  const std::string fingerprint = body_fingerprint(response.body, shaping);
  std::optional<FeedState> early_state =
      source.kind == Source::Kind::kUrl ? std::move(known_state) : std::nullopt;
  if (std::optional<FeedOutcome> same = archive_if_same_body(
          source, fingerprint, response, options, early_state)) {
    return Archiving(std::move(*same));
  }
  const std::size_t bytes = response.body.size();
  std::string etag = std::move(response.etag);
  std::string last_modified = std::move(response.last_modified);
  // A document that changed is cut into its items: those whose bytes did
  // not change need no decoding or parsing.
  const std::optional<RawItems> raw = raw_items_of(response.body);
  if (raw && early_state && !early_state->raw_context.empty() &&
      early_state->format == options.renderer.shape()) {
    const std::string key = key_before_parsing(source, options);
    if (std::optional<ChangedItems> changed = parse_changed_items(
            source, response, *raw, *early_state,
            options.archive / feed_id(key), options, shaping)) {
      auto run = std::make_unique<FeedRun>(
          source, options, std::move(changed->feed), key,
          std::move(*early_state), fingerprint, std::move(changed->origins),
          std::move(changed->context));
      run->outcome().bytes = bytes;
      run->set_validators(std::move(etag), std::move(last_modified));
      return run_feed(std::move(run));
    }
  }
  Result<Document> document =
      decode_response(std::move(response), source.location, options.encoding);
  if (!document) {
    return tl::unexpected(document.error());
  }
  // The BOM the text lost, if the document was read as it is.
  const std::size_t shift = bytes - document->utf8.size();
  Result<Feed> feed =
      parse_feed(std::move(*document), source.location, {options.zone});
  if (!feed) {
    return tl::unexpected(feed.error());
  }
  // Each item is known by its raw bytes for the next run, if they alone
  // made it (docs/speed.md, "Cost that follows change").
  std::optional<std::vector<ItemOrigin>> origins;
  std::string context;
  if (raw && read_as_it_is(*feed)) {
    origins = match_raw_items(*feed, raw->offsets, raw->digests, shift);
    if (origins) {
      context = context_fingerprint(shaping, *raw, *feed);
    }
  }
  const std::string key = feed_key_for(source, *feed, options.feed_url);
  const fs::path dir = options.archive / feed_id(key);
  FeedState state = early_state && key == key_before_parsing(source, options)
                        ? std::move(*early_state)
                        : load_feed_state(dir);
  std::error_code ec;
  if (!options.dry_run && fs::create_directories(dir, ec)) {
    // A new folder: no article to index but ours, none in another format
    // to convert (a first --format hugo run read all it wrote back). A
    // template's files are indexed from what they say, as `feedmark index`
    // would (they may name no date): that path stays.
    state.months.emplace();
    if (!options.renderer.has_template()) {
      state.format = options.renderer.shape();
    }
  } else if (ec) {
    return tl::unexpected(
        write_failure(source, {"write", dir.string(), ec.message()}));
  }
  std::vector<ItemOrigin> order =
      origins ? std::move(*origins) : parsed_in_order(*feed);
  auto run = std::make_unique<FeedRun>(source, options, std::move(*feed), key,
                                       std::move(state), fingerprint,
                                       std::move(order), std::move(context));
  run->outcome().bytes = bytes;
  run->set_validators(std::move(etag), std::move(last_modified));
  return run_feed(std::move(run));
}

Result<FeedOutcome> archive_response(const Source& source, Response&& response,
                                     const ArchiveOptions& options,
                                     std::optional<FeedState> known_state) {
  Result<Archiving> started = start_archiving(source, std::move(response),
                                              options, std::move(known_state));
  if (!started) {
    return tl::unexpected(started.error());
  }
  if (FeedOutcome* done = std::get_if<FeedOutcome>(&*started)) {
    return std::move(*done);
  }
  PendingFeed& pending = std::get<PendingFeed>(*started);
  do {
    fetch_all(pending.requests(), options.images.http,
              [&](std::size_t i, Result<HttpResult> result) {
                pending.done(i, std::move(result));
              });
  } while (pending.advance());
  return pending.finish();
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

Result<Archiving> start_archiving_local(const Source& source,
                                        const ArchiveOptions& options) {
  Result<Response> response = read_local_source(source, options.max_size);
  if (!response) {
    return tl::unexpected(response.error());
  }
  response->final_url = options.feed_url;
  return start_archiving(source, std::move(*response), options);
}

}  // namespace feedmark
