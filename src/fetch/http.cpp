// The network side of fetch: libcurl's multi interface, one easy handle per
// feed, redirects followed by hand so that every hop is checked.

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <limits>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "feedmark/fetch/address_guard.h"
#include "feedmark/fetch/fetch.h"
#include "feedmark/fetch/image_sniff.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "http_rules.h"
#include "transfer.h"

namespace feedmark {

using http_detail::Clock;
using http_detail::Transfer;
using std::chrono::milliseconds;

namespace {

// A Retry-After of a year would silence a feed for good; a mirror comes back
// within a day at the latest.
constexpr UnixTime kMaxDeferral = 24 * 60 * 60;

void init_curl_once() {
  static const bool initialized = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)initialized;
}

}  // namespace

/// The downloads of a session; see DownloadSession.
class DownloadSession::Impl {
 public:
  Impl(const HttpOptions& options, HttpDone done);
  ~Impl();
  std::size_t submit(HttpRequest request);
  void close();
  void run();

 private:
  struct HostQueue {
    std::string host;
    std::list<Transfer*> queued;
    unsigned active = 0;        ///< transfers in flight
    unsigned holders = 0;       ///< of them, those holding a --jobs slot
    bool multiplexing = false;  ///< answered over HTTP/2: many streams
    /// A feed's 429 with Retry-After: the host's queued feeds wait until
    /// then too, without a request.
    std::optional<UnixTime> deferred_until;
    int deferred_status = 0;
  };

  void take_submitted();
  void take_host_notes();
  void defer_host(HostQueue& q, UnixTime until, int status);
  bool start_next(HostQueue& q);
  void release(Transfer& t);
  bool all_done();
  HostQueue& queue_of(const std::string& host);
  void start_ready();
  void promote_due_retries();
  int wait_ms() const;
  void begin_attempt(Transfer& t);
  void begin_hop(Transfer& t);
  void on_done(Transfer& t, CURLcode code);
  void on_response(Transfer& t);
  void on_image(Transfer& t, HttpResult result);
  void follow_redirect(Transfer& t, long status);
  void on_transient(Transfer& t, std::string cause);
  void finish(Transfer& t, Result<HttpResult> result);
  Result<HttpResult> failure(const Transfer& t, std::string cause) const;

  const HttpOptions options_;
  const HttpDone done_;
  const http_detail::ProxyEnvironment proxies_;
  CURLSH* guarded_connections_ = nullptr;
  CURLM* multi_ = nullptr;
  std::deque<Transfer> transfers_;  // a deque: their addresses are stable
  std::list<HostQueue> hosts_;      // in the order the hosts first appear
  std::unordered_map<std::string, std::list<HostQueue>::iterator> host_index_;
  bool slots_freed_ = false;                    // start_ready() is due
  std::vector<Transfer*> delayed_;              // waiting out a backoff
  std::vector<Transfer::HostNote> host_notes_;  // noted by transfers
  unsigned slots_ = 0;  // --jobs slots in use: connections
  std::size_t finished_ = 0;
  // Filled by submit() and close() from any thread.
  std::mutex submitted_mutex_;
  std::vector<HttpRequest> submitted_;
  std::size_t submitted_count_ = 0;
  bool closed_ = false;
};

DownloadSession::Impl::Impl(const HttpOptions& options, HttpDone done)
    : options_(options),
      done_(std::move(done)),
      proxies_(http_detail::ProxyEnvironment::from_environment()) {
  init_curl_once();
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options_.per_host));
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(multi_, CURLMOPT_MAX_CONCURRENT_STREAMS,
                    static_cast<long>(options_.streams_per_host));
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(std::max(4u, options_.jobs * 2)));
  // Used by this thread alone: no lock functions needed.
  guarded_connections_ = curl_share_init();
  curl_share_setopt(guarded_connections_, CURLSHOPT_SHARE,
                    CURL_LOCK_DATA_CONNECT);
}

DownloadSession::Impl::~Impl() {
  for (Transfer& t : transfers_) {
    if (t.easy != nullptr) {
      curl_multi_remove_handle(multi_, t.easy);
      curl_easy_cleanup(t.easy);
    }
    curl_slist_free_all(t.headers);
    t.close_image_file(false);
  }
  curl_multi_cleanup(multi_);
  curl_share_cleanup(guarded_connections_);
}

std::size_t DownloadSession::Impl::submit(HttpRequest request) {
  std::size_t index = 0;
  {
    const std::lock_guard lock(submitted_mutex_);
    submitted_.push_back(std::move(request));
    index = submitted_count_++;
  }
  curl_multi_wakeup(multi_);
  return index;
}

void DownloadSession::Impl::close() {
  {
    const std::lock_guard lock(submitted_mutex_);
    closed_ = true;
  }
  curl_multi_wakeup(multi_);
}

// Requests are numbered as submitted, and transfers_ grows in that order.
void DownloadSession::Impl::take_submitted() {
  std::vector<HttpRequest> taken;
  {
    const std::lock_guard lock(submitted_mutex_);
    taken.swap(submitted_);
  }
  for (HttpRequest& request : taken) {
    Transfer& t = transfers_.emplace_back();
    t.index = transfers_.size() - 1;
    t.request = std::move(request);
    t.host = scheme_and_host(t.request.url).host;
    t.proxies = &proxies_;
    t.guarded_connections = guarded_connections_;
    t.host_notes = &host_notes_;
    t.max_size =
        t.request.max_size != 0 ? t.request.max_size : options_.max_size;
    queue_of(t.host).queued.push_back(&t);
    slots_freed_ = true;
  }
}

bool DownloadSession::Impl::all_done() {
  const std::lock_guard lock(submitted_mutex_);
  return closed_ && submitted_.empty() && finished_ == transfers_.size();
}

DownloadSession::Impl::HostQueue& DownloadSession::Impl::queue_of(
    const std::string& host) {
  auto [it, added] = host_index_.try_emplace(host);
  if (added) {
    HostQueue q;
    q.host = host;
    it->second = hosts_.insert(hosts_.end(), std::move(q));
  }
  return *it->second;
}

// Starts queued transfers while their host has room: over HTTP/1.1 one
// connection each, at most per_host, and each holds a --jobs slot; over
// HTTP/2 up to streams_per_host at once, sharing the connection the first
// one holds. A busy host does not hold up the others.
void DownloadSession::Impl::start_ready() {
  for (auto q = hosts_.begin(); q != hosts_.end();) {
    while (!q->queued.empty() && start_next(*q)) {
    }
    // An idle host is forgotten unless it taught something: HTTP/2, or
    // a Retry-After that its later requests must honour.
    if (q->queued.empty() && q->active == 0 && !q->multiplexing &&
        !q->deferred_until) {
      host_index_.erase(q->host);
      q = hosts_.erase(q);
    } else {
      ++q;
    }
  }
}

bool DownloadSession::Impl::start_next(HostQueue& q) {
  Transfer& t = *q.queued.front();
  if (q.deferred_until && t.request.image_file.empty()) {
    // The host asked feeds to come back later: so does this one.
    q.queued.pop_front();
    ++q.active;
    HttpResult result;
    result.kind = HttpResult::Kind::kDeferred;
    result.until = q.deferred_until;
    result.response.status = q.deferred_status;
    result.attempts = 0;
    finish(t, std::move(result));
    return true;
  }
  const bool rides = q.multiplexing && q.holders > 0;
  const unsigned limit =
      q.multiplexing ? options_.streams_per_host : options_.per_host;
  if (q.active >= limit || (!rides && slots_ >= options_.jobs)) {
    return false;
  }
  q.queued.pop_front();
  ++q.active;
  if (!rides) {
    ++q.holders;
    ++slots_;
    t.holds_slot = true;
  }
  begin_attempt(t);
  return true;
}

// A transfer leaves the wire: its host's count, and its --jobs slot.
void DownloadSession::Impl::release(Transfer& t) {
  HostQueue& q = queue_of(t.host);
  --q.active;
  if (std::exchange(t.holds_slot, false)) {
    --q.holders;
    --slots_;
  }
  slots_freed_ = true;
}

void DownloadSession::Impl::take_host_notes() {
  for (const Transfer::HostNote& note : host_notes_) {
    const auto it = host_index_.find(note.host);
    if (it == host_index_.end()) {
      continue;
    }
    HostQueue& q = *it->second;
    if (const auto until = retry_after_time(note.retry_after, options_.now);
        until && *until > options_.now) {
      defer_host(q, std::min(*until, options_.now + kMaxDeferral), note.status);
    }
    if (note.multiplexing && !q.multiplexing) {
      q.multiplexing = true;
      slots_freed_ = true;
    }
  }
  host_notes_.clear();
}

// A feed's 429 with Retry-After holds the host's queued feeds too.
void DownloadSession::Impl::defer_host(HostQueue& q, UnixTime until,
                                       int status) {
  if (!q.deferred_until || *q.deferred_until < until) {
    q.deferred_until = until;
    q.deferred_status = status;
  }
  slots_freed_ = true;
}

void DownloadSession::Impl::promote_due_retries() {
  const auto now = Clock::now();
  const auto due = std::stable_partition(
      delayed_.begin(), delayed_.end(),
      [&](const Transfer* t) { return t->not_before > now; });
  for (auto it = due; it != delayed_.end(); ++it) {
    queue_of((*it)->host).queued.push_front(*it);
  }
  if (due != delayed_.end()) {
    delayed_.erase(due, delayed_.end());
    slots_freed_ = true;
  }
}

int DownloadSession::Impl::wait_ms() const {
  auto wait = milliseconds(1000);
  const auto now = Clock::now();
  for (const Transfer* t : delayed_) {
    wait = std::min(
        wait, std::chrono::duration_cast<milliseconds>(t->not_before - now));
  }
  return static_cast<int>(std::max<milliseconds::rep>(0, wait.count()));
}

void DownloadSession::Impl::run() {
  for (;;) {
    take_submitted();
    int running = 0;
    curl_multi_perform(multi_, &running);
    take_host_notes();
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      Transfer* t = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &t);
      const CURLcode code = message->data.result;
      curl_multi_remove_handle(multi_, t->easy);
      on_done(*t, code);
    }
    take_host_notes();  // what the responses just finished said
    promote_due_retries();
    if (std::exchange(slots_freed_, false)) {
      start_ready();
    }
    if (all_done()) {
      return;
    }
    // submit() and close() wake the poll up.
    curl_multi_poll(multi_, nullptr, 0, wait_ms(), nullptr);
  }
}

void DownloadSession::Impl::begin_attempt(Transfer& t) {
  if (t.easy == nullptr) {
    t.easy = curl_easy_init();
    http_detail::configure(t, options_);
    t.started = Clock::now();
  }
  ++t.attempts;
  t.hops = 0;
  t.url = t.request.url;
  t.visited.clear();
  t.moved_to.clear();
  t.permanent_chain = true;
  t.deadline = Clock::now() + options_.timeout;
  begin_hop(t);
}

void DownloadSession::Impl::begin_hop(Transfer& t) {
  t.reset_body();
  t.refused_address.clear();
  // Behind a proxy, libcurl connects to the proxy and the guard sees only
  // its address; a private address written in the URL is refused here.
  if (const std::string host = scheme_and_host(t.url).host;
      t.request.public_only && is_private_ip_literal(host)) {
    return finish(t, failure(t, fmt::format("refused: {} is a private address "
                                            "(--allow-private-networks "
                                            "allows it)",
                                            host)));
  }
  const auto left =
      std::chrono::duration_cast<milliseconds>(t.deadline - Clock::now());
  curl_easy_setopt(t.easy, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(
      t.easy, CURLOPT_TIMEOUT_MS,
      static_cast<long>(std::max<milliseconds::rep>(1, left.count())));
  if (curl_multi_add_handle(multi_, t.easy) != CURLM_OK) {
    finish(t, failure(t, "libcurl refused the transfer"));
  }
}

void DownloadSession::Impl::on_done(Transfer& t, CURLcode code) {
  if (code != CURLE_OK) {
    std::string cause = http_detail::transport_cause(t, code, options_);
    if (http_detail::transient(t, code)) {
      on_transient(t, std::move(cause));
    } else {
      finish(t, failure(t, std::move(cause)));
    }
    return;
  }
  on_response(t);
}

void DownloadSession::Impl::on_response(Transfer& t) {
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  if (is_redirect(status)) {
    return follow_redirect(t, status);
  }
  HttpResult result;
  result.moved_to = t.moved_to;
  result.attempts = t.attempts;
  result.elapsed =
      std::chrono::duration_cast<milliseconds>(Clock::now() - t.started);
  if (status == 304 && t.request.image_file.empty()) {
    result.kind = HttpResult::Kind::kNotModified;
    return finish(t, std::move(result));
  }
  if (status == 429 || status == 503) {
    const auto until = retry_after_time(
        http_detail::header_value(t.easy, "Retry-After"), options_.now);
    // "Retry-After: 0", or a date already past: retry now, not next run.
    if (until && *until <= options_.now) {
      return on_transient(t, status_text(status));
    }
    if (until && t.request.image_file.empty()) {
      result.kind = HttpResult::Kind::kDeferred;
      result.until = std::min(*until, options_.now + kMaxDeferral);
      result.response.status = static_cast<int>(status);
      if (status == 429) {
        defer_host(queue_of(t.host), *result.until, 429);
      }
      return finish(t, std::move(result));
    }
  }
  if (status >= 500) {
    return on_transient(t, status_text(status));
  }
  if (status < 200 || status >= 300) {
    return finish(t, failure(t, status_text(status)));
  }
  Response& r = result.response;
  r.status = static_cast<int>(status);
  r.final_url = t.url;
  const char* type = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_CONTENT_TYPE, &type);
  r.content_type = type ? type : "";
  r.etag = http_detail::header_value(t.easy, "ETag");
  r.last_modified = http_detail::header_value(t.easy, "Last-Modified");
  r.body = std::move(t.body);
  if (!t.request.image_file.empty()) {
    return on_image(t, std::move(result));
  }
  finish(t, std::move(result));
}

// A whole image body is in its file: what its bytes are decides whether it
// is kept.
void DownloadSession::Impl::on_image(Transfer& t, HttpResult result) {
  ImageSniff sniff = sniff_image_head(t.head);
  if (sniff.refusal.empty()) {
    sniff.refusal = image_truncation(sniff.extension, t.head, t.tail, t.written,
                                     t.jpeg_end_seen);
  }
  if (!sniff.refusal.empty()) {
    return finish(t, failure(t, std::move(sniff.refusal)));
  }
  if (t.fd >= 0 && ::close(std::exchange(t.fd, -1)) != 0) {
    return finish(
        t, failure(t, fmt::format("cannot write {}: {}", t.request.image_file,
                                  std::strerror(errno))));
  }
  result.response.image_type = std::move(sniff.extension);
  result.response.image_size = t.written;
  finish(t, std::move(result));
}

void DownloadSession::Impl::follow_redirect(Transfer& t, long status) {
  const char* location = nullptr;
  curl_easy_getinfo(t.easy, CURLINFO_REDIRECT_URL, &location);
  if (location == nullptr || *location == '\0') {
    return finish(t, failure(t, fmt::format("{} without a Location header",
                                            status_text(status))));
  }
  const std::string to = location;
  if (std::string refusal = redirect_refusal(t.url, to); !refusal.empty()) {
    return finish(
        t, failure(t, fmt::format("redirect to {} refused: {}", to, refusal)));
  }
  t.visited.push_back(t.url);
  if (std::find(t.visited.begin(), t.visited.end(), to) != t.visited.end()) {
    return finish(t, failure(t, fmt::format("redirect loop at {}", to)));
  }
  if (++t.hops > options_.max_redirects) {
    return finish(t, failure(t, fmt::format("more than {} redirects",
                                            options_.max_redirects)));
  }
  // Only a chain of permanent moves from the listed URL means the list
  // should change; a temporary hop anywhere before makes it the server's
  // business.
  t.permanent_chain = t.permanent_chain && (status == 301 || status == 308);
  if (t.permanent_chain) {
    t.moved_to = to;
  }
  t.url = to;
  begin_hop(t);
}

void DownloadSession::Impl::on_transient(Transfer& t, std::string cause) {
  if (t.attempts > options_.retries) {
    if (t.attempts > 1) {
      cause += fmt::format(" (after {} attempts)", t.attempts);
    }
    return finish(t, failure(t, std::move(cause)));
  }
  release(t);
  t.not_before = Clock::now() + options_.backoff * (1 << (t.attempts - 1));
  delayed_.push_back(&t);
}

void DownloadSession::Impl::finish(Transfer& t, Result<HttpResult> result) {
  release(t);
  ++finished_;
  curl_easy_cleanup(t.easy);
  t.easy = nullptr;
  curl_slist_free_all(t.headers);
  t.headers = nullptr;
  std::string().swap(t.body);
  t.close_image_file(result.has_value());
  done_(t.index, std::move(result));
}

Result<HttpResult> DownloadSession::Impl::failure(const Transfer& t,
                                                  std::string cause) const {
  return fail("fetch", t.request.url, std::move(cause));
}

DownloadSession::DownloadSession(const HttpOptions& options, HttpDone done)
    : impl_(std::make_unique<Impl>(options, std::move(done))) {}
DownloadSession::~DownloadSession() = default;
std::size_t DownloadSession::submit(HttpRequest request) {
  return impl_->submit(std::move(request));
}
void DownloadSession::close() {
  impl_->close();
}
void DownloadSession::run() {
  impl_->run();
}

void fetch_all(const std::vector<HttpRequest>& requests,
               const HttpOptions& options, const HttpDone& done) {
  if (requests.empty()) {
    return;
  }
  DownloadSession session(options, done);
  for (const HttpRequest& request : requests) {
    session.submit(request);
  }
  session.close();
  session.run();
}

}  // namespace feedmark
