#include "feedmark/cli/fetch_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_set>

#include "feedmark/store/archive.h"
#include "feedmark/store/catalogue.h"
#include "feedmark/util/parallel.h"

namespace feedmark {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// A feed deferred this long without a successful fetch is reported.
constexpr UnixTime kSilentFeedSeconds = 7 * 86400;

std::string seconds_text(milliseconds elapsed) {
  return fmt::format("{:.2f} s", static_cast<double>(elapsed.count()) / 1000);
}

/// One `feedmark fetch` run, from the plan to the exit status.
class FetchRun {
 public:
  FetchRun(const FetchPlan& plan, Streams& streams, ProgressBar& bar,
           DeliveryJournal* journal)
      : plan_(plan), streams_(streams), bar_(bar), journal_(journal) {}
  bool run();

 private:
  /// Who waits for a download of the session: a feed (its index in
  /// requests_) or a feed's image (its index in that feed's requests).
  struct Owner {
    std::size_t request = 0;
    std::size_t pending = kNoPending;
  };
  static constexpr std::size_t kNoPending = static_cast<std::size_t>(-1);
  /// A feed whose articles wait for their images.
  struct Waiting {
    PendingFeed feed;
    const FeedJob* job;
    std::string status;
    Clock::time_point started;
    std::size_t remaining;
  };

  void plan_request(const FeedJob& job);
  void archive_local(const FeedJob& job);
  void archive_downloads();
  void on_session_done(std::size_t index, Result<HttpResult> result);
  void on_pending_done(std::size_t pending, std::size_t request,
                       Result<HttpResult> result);
  /// A feed archived, or its images submitted to the session.
  void on_archiving(const FeedJob& job, const std::string& status,
                    Result<Archiving> archiving, Clock::time_point started,
                    milliseconds network_time);
  void report_images(const std::string& source, const FeedOutcome& outcome);
  void submit_step(std::size_t pending, Waiting& w);
  void report_pages(const std::string& source, const FeedOutcome& outcome);
  // `state`: the feed folder's state as plan_request read it.
  void on_download(const FeedJob& job, Result<HttpResult> result,
                   std::optional<FeedState> state);
  void archive_fetched(const FeedJob& job, HttpResult&& result,
                       std::optional<FeedState> state);
  void on_failure(const Error& error);
  void on_success(const std::string& source, const std::string& status,
                  const FeedOutcome& outcome, milliseconds elapsed);
  void print_undelivered();
  void print_written(const FeedOutcome& outcome);
  void print_record(const std::string& path, const std::string& json_line);
  ArchiveOptions options_for(const FeedJob& job) const;
  template <class Work>
  void isolated(const std::string& source, Work work);
  void report_verbose(const std::string& line);
  bool report_if_silent(const std::string& url,
                        std::optional<UnixTime> deferred_since);
  UnixTime now() const { return plan_.http.now; }

  const FetchPlan& plan_;
  Streams& streams_;
  ProgressBar& bar_;
  DeliveryJournal* journal_;                 ///< none with --dry-run
  std::unordered_set<std::string> printed_;  ///< paths printed by this run
  std::vector<HttpRequest> requests_;
  std::vector<const FeedJob*> request_jobs_;  ///< parallel to requests_
  /// The state each request was planned from, parallel to requests_: read
  /// once a run, the archive being locked.
  std::vector<std::optional<FeedState>> request_states_;
  DownloadSession* session_ = nullptr;
  std::vector<Owner> owners_;    ///< by the session's request index
  std::size_t outstanding_ = 0;  ///< requests of the session not done
  std::map<std::size_t, Waiting> waiting_;
  std::size_t next_waiting_ = 0;
  bool failed_ = false;
};

bool FetchRun::run() {
  print_undelivered();
  for (const FeedJob& job : plan_.jobs) {
    if (job.source.kind == Source::Kind::kUrl) {
      plan_request(job);
    }
  }
  archive_downloads();
  return !failed_;
}

// A feed a server asked us to leave alone (Retry-After) is not requested.
void FetchRun::plan_request(const FeedJob& job) {
  const fs::path dir = plan_.archive / feed_id(job.source.location);
  std::optional<FeedState> state = read_state_file(dir);
  if (state && state->next_fetch && *state->next_fetch > now()) {
    report_verbose(fmt::format("{}: skipped until {} (Retry-After)",
                               job.source.location,
                               format_iso8601(*state->next_fetch)));
    if (!report_if_silent(job.source.location, state->deferred_since)) {
      bar_.feed_done(0, false);
    }
    return;
  }
  HttpRequest request;
  request.url = job.source.location;
  request.user_agent = job.user_agent;
  request.ca_file = job.options.images.ca_file;
  request.cookie_file = job.options.images.cookie_file;
  // Validators only for a feed whose articles are all there: a 304 must
  // never leave an article deleted or damaged.
  if (state && current_articles_intact(dir, *state) &&
      state->format == job.options.renderer.shape()) {
    request.etag = state->etag;
    request.last_modified = state->last_modified;
  }
  requests_.push_back(std::move(request));
  request_jobs_.push_back(&job);
  request_states_.push_back(std::move(state));
}

// Downloads run on their own thread, feeds and images in one session; this
// one archives the local sources meanwhile, then each download as it
// arrives. The session closes once nothing waits for it.
void FetchRun::archive_downloads() {
  using Done = std::pair<std::size_t, Result<HttpResult>>;
  Channel<Done> finished;
  DownloadSession session(plan_.http,
                          [&](std::size_t i, Result<HttpResult> result) {
                            finished.push({i, std::move(result)});
                          });
  session_ = &session;
  for (std::size_t i = 0; i < requests_.size(); ++i) {
    const std::size_t index = session.submit(requests_[i]);
    if (owners_.size() <= index) {
      owners_.resize(index + 1);
    }
    owners_[index] = {i, kNoPending};
    ++outstanding_;
  }
  std::exception_ptr network_failure;
  std::jthread network([&] {
    try {
      session.run();
    } catch (...) {  // bad_alloc: rethrown below
      network_failure = std::current_exception();
    }
    finished.close();
  });
  // Whatever happens here, the network thread must be let go.
  struct CloseOnExit {
    DownloadSession& session;
    ~CloseOnExit() { session.close(); }
  } close_on_exit{session};
  for (const FeedJob& job : plan_.jobs) {
    if (job.source.kind != Source::Kind::kUrl) {
      isolated(job.source.location, [&] { archive_local(job); });
    }
  }
  if (outstanding_ == 0) {
    session.close();
  }
  while (std::optional<Done> done = finished.pop()) {
    on_session_done(done->first, std::move(done->second));
    if (--outstanding_ == 0) {
      session.close();
    }
  }
  network.join();
  session_ = nullptr;
  if (network_failure) {
    std::rethrow_exception(network_failure);
  }
}

void FetchRun::archive_local(const FeedJob& job) {
  const auto start = Clock::now();
  on_archiving(job, job.source.kind == Source::Kind::kStdin ? "stdin" : "file",
               start_archiving_local(job.source, options_for(job)), start,
               milliseconds(0));
}

void FetchRun::on_session_done(std::size_t index, Result<HttpResult> result) {
  const Owner owner = owners_.at(index);
  if (owner.pending != kNoPending) {
    return on_pending_done(owner.pending, owner.request, std::move(result));
  }
  const FeedJob& job = *request_jobs_[owner.request];
  isolated(job.source.location, [&] {
    on_download(job, std::move(result),
                std::move(request_states_[owner.request]));
  });
}

void FetchRun::on_pending_done(std::size_t pending, std::size_t request,
                               Result<HttpResult> result) {
  const auto it = waiting_.find(pending);
  if (it == waiting_.end()) {
    return;  // its feed failed meanwhile
  }
  Waiting& w = it->second;
  --w.remaining;
  isolated(w.job->source.location,
           [&] { w.feed.done(request, std::move(result)); });
  if (w.remaining > 0) {
    return;
  }
  bool next_step = false;
  isolated(w.job->source.location, [&] {
    if (w.feed.advance()) {
      submit_step(pending, w);
      next_step = true;
      return;
    }
    const FeedOutcome outcome = w.feed.finish();
    on_success(
        w.job->source.location, w.status, outcome,
        std::chrono::duration_cast<milliseconds>(Clock::now() - w.started));
  });
  if (!next_step) {
    waiting_.erase(it);
  }
}

// The session numbers requests in the order they come.
void FetchRun::submit_step(std::size_t pending, Waiting& w) {
  const std::vector<HttpRequest>& requests = w.feed.requests();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::size_t index = session_->submit(requests[i]);
    if (owners_.size() <= index) {
      owners_.resize(index + 1);
    }
    owners_[index] = {i, pending};
    ++outstanding_;
  }
  w.remaining = requests.size();
}

void FetchRun::on_archiving(const FeedJob& job, const std::string& status,
                            Result<Archiving> archiving,
                            Clock::time_point started,
                            milliseconds network_time) {
  if (!archiving) {
    return on_failure(archiving.error());
  }
  if (FeedOutcome* outcome = std::get_if<FeedOutcome>(&*archiving)) {
    return on_success(job.source.location, status, *outcome,
                      network_time + std::chrono::duration_cast<milliseconds>(
                                         Clock::now() - started));
  }
  const std::size_t id = next_waiting_++;
  auto [it, added] =
      waiting_.emplace(id, Waiting{std::move(std::get<PendingFeed>(*archiving)),
                                   &job, status, started - network_time, 0});
  submit_step(id, it->second);
}

void FetchRun::on_download(const FeedJob& job, Result<HttpResult> result,
                           std::optional<FeedState> state) {
  if (!result) {
    return on_failure(result.error());
  }
  const std::string& url = job.source.location;
  if (!result->moved_to.empty()) {
    report_verbose(fmt::format("{}: moved permanently to {}; update the list",
                               url, result->moved_to));
  }
  switch (result->kind) {
    case HttpResult::Kind::kNotModified:
      report_verbose(fmt::format("{}: 304 not modified, {}", url,
                                 seconds_text(result->elapsed)));
      bar_.feed_done(0, false);
      return;
    case HttpResult::Kind::kDeferred: {
      Result<UnixTime> since =
          defer_feed(job.source, *result->until, job.options);
      if (!since) {
        return on_failure(since.error());
      }
      report_verbose(fmt::format("{}: HTTP {}, skipped until {} (Retry-After)",
                                 url, result->response.status,
                                 format_iso8601(*result->until)));
      if (!report_if_silent(url, *since)) {
        bar_.feed_done(0, false);
      }
      return;
    }
    case HttpResult::Kind::kFetched:
      return archive_fetched(job, std::move(*result), std::move(state));
  }
}

void FetchRun::archive_fetched(const FeedJob& job, HttpResult&& result,
                               std::optional<FeedState> state) {
  const auto start = Clock::now();
  const int status = result.response.status;
  on_archiving(job, std::to_string(status),
               start_archiving(job.source, std::move(result.response),
                               options_for(job), std::move(state)),
               start, result.elapsed);
}

void FetchRun::on_failure(const Error& error) {
  failed_ = true;
  streams_.report_error(error);
  bar_.feed_done(0, true);
}

void FetchRun::on_success(const std::string& source, const std::string& status,
                          const FeedOutcome& outcome, milliseconds elapsed) {
  print_written(outcome);
  // Warnings only under -v: cron mails any output, and a feed that needs
  // repairs usually needs them on every run.
  if (streams_.verbose) {
    for (const std::string& warning : outcome.warnings) {
      streams_.report(fmt::format("{}: warning: {}", source, warning));
    }
  }
  const auto updated =
      std::count_if(outcome.written.begin(), outcome.written.end(),
                    [](const ArticleRecord& r) { return r.updated; });
  report_verbose(fmt::format(
      "{}: {}, {} items, {} new, {} updated, {} bytes, {}, feed {}, {}", source,
      status, outcome.items, outcome.written.size() - updated, updated,
      outcome.bytes, seconds_text(elapsed), outcome.feed_id,
      outcome.same_document
          ? std::string("same document as last archived")
          : fmt::format("{} extracted{}", outcome.extracted,
                        outcome.unparsed == 0
                            ? std::string()
                            : fmt::format(", {} unchanged items unparsed",
                                          outcome.unparsed))));
  report_pages(source, outcome);
  report_images(source, outcome);
  if (outcome.converted > 0) {
    report_verbose(fmt::format(
        "{}: {} articles no longer in the feed rewritten in the new format",
        source, outcome.converted));
  }
  if (outcome.failure) {
    return on_failure(*outcome.failure);
  }
  bar_.feed_done(outcome.written.size(), false);
}

// Under -v: what --full-text did for the feed, and each page it could not
// use (the article keeps the feed's body; later runs try again).
void FetchRun::report_pages(const std::string& source,
                            const FeedOutcome& outcome) {
  if (!streams_.verbose ||
      (outcome.pages_used == 0 && outcome.page_failures.empty())) {
    return;
  }
  streams_.report(fmt::format("{}: pages: {} used, {} failed", source,
                              outcome.pages_used,
                              outcome.page_failures.size()));
  for (const std::string& failure : outcome.page_failures) {
    streams_.report(fmt::format("{}: page not used: {}", source, failure));
  }
}

// Under -v: what --save-images did for the feed, and each image it could
// not save (the article keeps its URL; a later run tries again).
void FetchRun::report_images(const std::string& source,
                             const FeedOutcome& outcome) {
  if (!streams_.verbose ||
      (outcome.images_saved == 0 && outcome.images_present == 0 &&
       outcome.image_failures.empty())) {
    return;
  }
  streams_.report(
      fmt::format("{}: images: {} saved, {} already there, {} "
                  "failed",
                  source, outcome.images_saved, outcome.images_present,
                  outcome.image_failures.size()));
  for (const std::string& failure : outcome.image_failures) {
    streams_.report(fmt::format("{}: image not saved: {}", source, failure));
  }
}

// One hostile document must not end the run: what it throws (bad_alloc
// above all) fails its feed alone, and the other feeds are archived.
template <class Work>
void FetchRun::isolated(const std::string& source, Work work) {
  try {
    work();
  } catch (const std::bad_alloc&) {
    on_failure({"fetch", source, "out of memory"});
  } catch (const std::exception& e) {
    on_failure({"fetch", source, fmt::format("internal error: {}", e.what())});
  }
}

ArchiveOptions FetchRun::options_for(const FeedJob& job) const {
  ArchiveOptions options = job.options;
  options.journal = journal_;
  return options;
}

// What a killed run, or one whose output failed, put in place but may not
// have delivered comes first.
void FetchRun::print_undelivered() {
  if (journal_ == nullptr) {
    return;
  }
  for (const std::string& line : journal_->undelivered()) {
    const json record = json::parse(line, nullptr, false);
    if (record.is_object() && record.contains("path") &&
        record["path"].is_string()) {
      const std::string path = record["path"].get<std::string>();
      std::error_code ec;
      if (fs::is_regular_file(path, ec)) {
        print_record(path, line);
      }
    }
  }
  std::fflush(streams_.out);
}

void FetchRun::print_written(const FeedOutcome& outcome) {
  for (const ArticleRecord& record : outcome.written) {
    print_record(record.path.string(),
                 plan_.json
                     ? article_record_json(record.path, record.feed_id,
                                           record.article, record.updated)
                     : std::string());
  }
  // A pipeline (`| xargs git add`) sees each feed's articles as it is done.
  std::fflush(streams_.out);
}

void FetchRun::print_record(const std::string& path,
                            const std::string& json_line) {
  if (!printed_.insert(path).second) {
    return;  // undelivered by an earlier run, and written again by this one
  }
  fmt::print(streams_.out, "{}{}", plan_.json ? json_line : path,
             plan_.null ? '\0' : '\n');
}

// A server that answers every run with Retry-After would silence a feed
// for good, each run exiting 0; after a week it is a failure, so that cron
// mails the user.
bool FetchRun::report_if_silent(const std::string& url,
                                std::optional<UnixTime> deferred_since) {
  if (!deferred_since || now() - *deferred_since < kSilentFeedSeconds) {
    return false;
  }
  on_failure({"fetch", url,
              fmt::format("no successful fetch for {} days: the server has "
                          "asked to retry later since {} (Retry-After)",
                          (now() - *deferred_since) / 86400,
                          format_iso8601(*deferred_since))});
  return true;
}

void FetchRun::report_verbose(const std::string& line) {
  if (streams_.verbose) {
    streams_.report(line);
  }
}

}  // namespace

int run_fetch(const FetchPlan& plan, Streams& streams) {
  std::optional<ArchiveLock> lock;
  std::optional<DeliveryJournal> journal;
  if (!plan.dry_run) {
    Result<ArchiveLock> acquired =
        ArchiveLock::acquire(plan.archive, plan.wait);
    if (!acquired) {
      streams.report_error(acquired.error());
      return acquired.error().stage == "lock" ? kExitLocked : kExitUsage;
    }
    lock.emplace(std::move(*acquired));
    // A run that died may have left temporaries, and articles in place
    // that no index lists yet (their items may be gone from the feed by
    // now): the indexes are rebuilt from the files, as `feedmark index`
    // does. Otherwise only the root is looked at; listing every feed folder
    // would cost what the archive's history costs.
    if (lock->previous_run_unfinished()) {
      if (auto rebuilt = rebuild_indexes(plan.archive, plan.format); !rebuilt) {
        streams.report_error(rebuilt.error());
      }
    } else {
      remove_stale_temporaries(plan.archive);
    }
    lock->mark_running();
    Result<DeliveryJournal> opened = DeliveryJournal::open(plan.archive);
    if (!opened) {
      streams.report_error(opened.error());
      return kExitUsage;
    }
    journal.emplace(std::move(*opened));
  }
  ProgressBar bar(streams.err, progress_wanted(plan.progress, streams.err),
                  plan.jobs.size());
  streams.progress = &bar;
  bool ok = FetchRun(plan, streams, bar, journal ? &*journal : nullptr).run();
  bar.finish();
  streams.progress = nullptr;
  std::error_code ec;
  if (!plan.dry_run && fs::is_directory(plan.archive, ec)) {
    if (auto root = write_root_index(plan.archive, plan.format); !root) {
      streams.report_error(root.error());
      ok = false;
    }
  }
  // Every path has reached stdout only if the flush succeeds; until then the
  // journal keeps them for the next run.
  if (!flush_output(streams)) {
    return kExitSourceFailed;
  }
  if (journal) {
    if (auto cleared = journal->clear(); !cleared) {
      streams.report_error(cleared.error());
      ok = false;
    }
  }
  if (lock) {
    lock->mark_finished();
  }
  return ok ? kExitOk : kExitSourceFailed;
}

}  // namespace feedmark
