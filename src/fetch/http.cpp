// The network side of fetch: libcurl's multi interface, one easy handle per
// feed, redirects followed by hand so that every hop is checked.

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <list>
#include <memory>
#include <unordered_map>

#include "feedmark/fetch/fetch.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"
#include "http_rules.h"

namespace feedmark {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A server that trickles bytes would hold a slot for the whole --timeout;
// abort a transfer slower than this for this long.
constexpr long kLowSpeedBytes = 100;
constexpr long kLowSpeedSeconds = 20;

// A Retry-After of a year would silence a feed for good; a mirror comes back
// within a day at the latest.
constexpr UnixTime kMaxDeferral = 24 * 60 * 60;

constexpr const char* kAccept =
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";

void init_curl_once() {
  static const bool initialized = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)initialized;
}

/// One request's way through attempts and redirect hops.
struct Transfer {
  std::size_t index = 0;
  const HttpRequest* request = nullptr;
  std::string host;  ///< of the requested URL: the per-host slots it uses
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string url;  ///< of the current hop
  std::vector<std::string> visited;
  std::string moved_to;
  bool permanent_chain = true;
  unsigned attempts = 0;
  unsigned hops = 0;
  Clock::time_point started;
  Clock::time_point deadline;    ///< of the current attempt
  Clock::time_point not_before;  ///< of the next attempt, after a backoff
  std::uint64_t max_size = 0;
  bool too_large = false;
  std::uint64_t announced_size = 0;  ///< a Content-Length over the limit
  bool keep_body = true;  ///< false for an error or a redirect's body
  std::string body;
  char error[CURL_ERROR_SIZE] = {};
};

// Counts decoded bytes (libcurl hands them over after gzip/deflate/brotli),
// so a small compressed body cannot grow past --max-size.
std::size_t append_body(char* data, std::size_t size, std::size_t count,
                        void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (!t->keep_body) {
    return bytes;  // an error page or a redirect's body: not needed
  }
  if (t->body.size() + bytes > t->max_size) {
    t->too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  t->body.append(data, bytes);
  return bytes;
}

std::string header_value(CURL* easy, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK ||
      header == nullptr) {
    return {};
  }
  return std::string(trim(header->value));
}

// At the blank line that ends a response's headers: only a successful
// response's body is kept (an error page or a redirect's body is read and
// dropped, so however large it is, its status is what gets reported), and one
// whose Content-Length already announces more than --max-size is refused
// before any of it is read. The header counts encoded bytes, and deflate
// can make incompressible data slightly larger (5 bytes per 16 KiB block,
// gzip's 18-byte frame), so the limit leaves room for that: a body refused
// here always decodes to more than --max-size; append_body() counts the
// rest.
std::size_t on_header(char* line, std::size_t size, std::size_t count,
                      void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (std::string_view(line, bytes).find_first_not_of("\r\n") !=
      std::string_view::npos) {
    return bytes;  // a header line, or a status line
  }
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  t->keep_body = status >= 200 && status <= 299;
  const std::string length = header_value(t->easy, "Content-Length");
  std::uint64_t announced = 0;
  if (!t->keep_body ||
      std::from_chars(length.data(), length.data() + length.size(), announced)
              .ec != std::errc() ||
      announced <= t->max_size ||
      announced - t->max_size <= t->max_size / 1024 + 64) {
    return bytes;
  }
  t->too_large = true;
  t->announced_size = announced;
  return 0;  // libcurl ends the transfer with CURLE_WRITE_ERROR
}

double seconds_of(milliseconds d) {
  return static_cast<double>(d.count()) / 1000;
}

/// Downloads a batch of requests; see fetch_all.
class Downloader {
 public:
  Downloader(const std::vector<HttpRequest>& requests,
             const HttpOptions& options, const HttpDone& done);
  ~Downloader();
  Downloader(const Downloader&) = delete;
  Downloader& operator=(const Downloader&) = delete;
  void run();

 private:
  struct HostQueue {
    std::string host;
    std::list<Transfer*> queued;
    unsigned active = 0;
  };

  HostQueue& queue_of(const std::string& host);
  void start_ready();
  void promote_due_retries();
  int wait_ms() const;
  void begin_attempt(Transfer& t);
  void begin_hop(Transfer& t);
  void configure(Transfer& t);
  void on_done(Transfer& t, CURLcode code);
  void on_response(Transfer& t);
  void follow_redirect(Transfer& t, long status);
  void on_transient(Transfer& t, std::string cause);
  void finish(Transfer& t, Result<HttpResult> result);
  Result<HttpResult> failure(const Transfer& t, std::string cause) const;
  std::string transport_cause(const Transfer& t, CURLcode code) const;
  bool transient(const Transfer& t, CURLcode code) const;

  const HttpOptions& options_;
  const HttpDone& done_;
  CURLM* multi_ = nullptr;
  std::vector<Transfer> transfers_;  // sized once: their addresses are stable
  std::list<HostQueue> hosts_;       // in the order the hosts first appear
  std::unordered_map<std::string, std::list<HostQueue>::iterator> host_index_;
  bool slots_freed_ = false;        // start_ready() is due
  std::vector<Transfer*> delayed_;  // waiting out a backoff
  unsigned active_ = 0;
  std::size_t finished_ = 0;
};

Downloader::Downloader(const std::vector<HttpRequest>& requests,
                       const HttpOptions& options, const HttpDone& done)
    : options_(options), done_(done), transfers_(requests.size()) {
  init_curl_once();
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(options_.per_host));
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS,
                    static_cast<long>(std::max(4u, options_.jobs * 2)));
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Transfer& t = transfers_[i];
    t.index = i;
    t.request = &requests[i];
    t.host = scheme_and_host(requests[i].url).host;
    t.max_size = options_.max_size;
    queue_of(t.host).queued.push_back(&t);
  }
}

Downloader::~Downloader() {
  for (Transfer& t : transfers_) {
    if (t.easy != nullptr) {
      curl_multi_remove_handle(multi_, t.easy);
      curl_easy_cleanup(t.easy);
    }
    curl_slist_free_all(t.headers);
  }
  curl_multi_cleanup(multi_);
}

Downloader::HostQueue& Downloader::queue_of(const std::string& host) {
  auto [it, added] = host_index_.try_emplace(host);
  if (added) {
    it->second = hosts_.insert(hosts_.end(), HostQueue{host, {}, 0});
  }
  return *it->second;
}

// Starts queued transfers while there is a free job and their host has a free
// connection; a busy host does not hold up the others.
void Downloader::start_ready() {
  for (auto q = hosts_.begin(); q != hosts_.end() && active_ < options_.jobs;) {
    while (!q->queued.empty() && q->active < options_.per_host &&
           active_ < options_.jobs) {
      Transfer* t = q->queued.front();
      q->queued.pop_front();
      ++q->active;
      ++active_;
      begin_attempt(*t);
    }
    if (q->queued.empty() && q->active == 0) {
      host_index_.erase(q->host);
      q = hosts_.erase(q);
    } else {
      ++q;
    }
  }
}

void Downloader::promote_due_retries() {
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

int Downloader::wait_ms() const {
  auto wait = milliseconds(1000);
  const auto now = Clock::now();
  for (const Transfer* t : delayed_) {
    wait = std::min(
        wait, std::chrono::duration_cast<milliseconds>(t->not_before - now));
  }
  return static_cast<int>(std::max<milliseconds::rep>(0, wait.count()));
}

void Downloader::run() {
  start_ready();
  while (finished_ < transfers_.size()) {
    int running = 0;
    curl_multi_perform(multi_, &running);
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
    promote_due_retries();
    if (std::exchange(slots_freed_, false)) {
      start_ready();
    }
    if (finished_ < transfers_.size()) {
      curl_multi_poll(multi_, nullptr, 0, wait_ms(), nullptr);
    }
  }
}

void Downloader::configure(Transfer& t) {
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // followed by hand
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // all libcurl decodes
  curl_easy_setopt(e, CURLOPT_USERAGENT, t.request->user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, kLowSpeedSeconds);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  t.headers =
      curl_slist_append(t.headers, fmt::format("Accept: {}", kAccept).c_str());
  if (!t.request->etag.empty()) {
    t.headers = curl_slist_append(
        t.headers, fmt::format("If-None-Match: {}", t.request->etag).c_str());
  }
  if (!t.request->last_modified.empty()) {
    t.headers = curl_slist_append(
        t.headers,
        fmt::format("If-Modified-Since: {}", t.request->last_modified).c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
}

void Downloader::begin_attempt(Transfer& t) {
  if (t.easy == nullptr) {
    t.easy = curl_easy_init();
    configure(t);
    t.started = Clock::now();
  }
  ++t.attempts;
  t.hops = 0;
  t.url = t.request->url;
  t.visited.clear();
  t.moved_to.clear();
  t.permanent_chain = true;
  t.deadline = Clock::now() + options_.timeout;
  begin_hop(t);
}

void Downloader::begin_hop(Transfer& t) {
  t.body.clear();
  t.too_large = false;
  t.announced_size = 0;
  t.keep_body = true;
  t.error[0] = '\0';
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

void Downloader::on_done(Transfer& t, CURLcode code) {
  if (code != CURLE_OK) {
    std::string cause = transport_cause(t, code);
    if (transient(t, code)) {
      on_transient(t, std::move(cause));
    } else {
      finish(t, failure(t, std::move(cause)));
    }
    return;
  }
  on_response(t);
}

void Downloader::on_response(Transfer& t) {
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
  if (status == 304) {
    result.kind = HttpResult::Kind::kNotModified;
    return finish(t, std::move(result));
  }
  if (status == 429 || status == 503) {
    const auto until =
        retry_after_time(header_value(t.easy, "Retry-After"), options_.now);
    // "Retry-After: 0", or a date already past: retry now, not next run.
    if (until && *until <= options_.now) {
      return on_transient(t, status_text(status));
    }
    if (until) {
      result.kind = HttpResult::Kind::kDeferred;
      result.until = std::min(*until, options_.now + kMaxDeferral);
      result.response.status = static_cast<int>(status);
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
  r.etag = header_value(t.easy, "ETag");
  r.last_modified = header_value(t.easy, "Last-Modified");
  r.body = std::move(t.body);
  finish(t, std::move(result));
}

void Downloader::follow_redirect(Transfer& t, long status) {
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

void Downloader::on_transient(Transfer& t, std::string cause) {
  if (t.attempts > options_.retries) {
    if (t.attempts > 1) {
      cause += fmt::format(" (after {} attempts)", t.attempts);
    }
    return finish(t, failure(t, std::move(cause)));
  }
  HostQueue& q = queue_of(t.host);
  --q.active;
  --active_;
  t.not_before = Clock::now() + options_.backoff * (1 << (t.attempts - 1));
  delayed_.push_back(&t);
  slots_freed_ = true;
}

void Downloader::finish(Transfer& t, Result<HttpResult> result) {
  --queue_of(t.host).active;
  --active_;
  ++finished_;
  curl_easy_cleanup(t.easy);
  t.easy = nullptr;
  curl_slist_free_all(t.headers);
  t.headers = nullptr;
  std::string().swap(t.body);
  slots_freed_ = true;
  done_(t.index, std::move(result));
}

Result<HttpResult> Downloader::failure(const Transfer& t,
                                       std::string cause) const {
  return fail("fetch", t.request->url, std::move(cause));
}

std::string Downloader::transport_cause(const Transfer& t,
                                        CURLcode code) const {
  long os_errno = 0;
  curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
  const std::string detail = t.error[0] ? t.error : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return fmt::format("DNS: cannot resolve host {}",
                         scheme_and_host(t.url).host);
    case CURLE_COULDNT_CONNECT:
      return os_errno == ECONNREFUSED
                 ? std::string("connection refused")
                 : fmt::format("cannot connect: {}", detail);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      return os_errno == ECONNRESET
                 ? std::string("connection reset by the server")
                 : fmt::format("connection failed: {}", detail);
    case CURLE_GOT_NOTHING:
      return "the server closed the connection without a response";
    case CURLE_PARTIAL_FILE: {
      curl_off_t expected = -1;
      curl_easy_getinfo(t.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
      curl_off_t got = 0;
      curl_easy_getinfo(t.easy, CURLINFO_SIZE_DOWNLOAD_T, &got);
      return expected >= 0
                 ? fmt::format("truncated body: {} of {} bytes", got, expected)
                 : std::string("truncated body");
    }
    case CURLE_WRITE_ERROR:
      if (t.announced_size > 0) {
        return fmt::format(
            "larger than --max-size ({} bytes): Content-Length {}",
            options_.max_size, t.announced_size);
      }
      return t.too_large ? fmt::format("larger than --max-size ({} bytes)",
                                       options_.max_size)
                         : detail;
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected = 0;
      curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connected);
      if (connected == 0) {
        return fmt::format("connect timed out after {:g} s",
                           seconds_of(options_.connect_timeout));
      }
      if (Clock::now() + milliseconds(500) < t.deadline) {
        return fmt::format("too slow: under {} bytes/s for {} s",
                           kLowSpeedBytes, kLowSpeedSeconds);
      }
      return fmt::format("timed out after {:g} s (--timeout)",
                         seconds_of(options_.timeout));
    }
    case CURLE_PEER_FAILED_VERIFICATION:
      return fmt::format("TLS certificate not trusted: {}", detail);
    case CURLE_SSL_CONNECT_ERROR:
      return fmt::format("TLS handshake failed: {}", detail);
    case CURLE_BAD_CONTENT_ENCODING:
      return fmt::format("cannot decode the compressed body: {}", detail);
    default:
      return detail;
  }
}

bool Downloader::transient(const Transfer& t, CURLcode code) const {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return true;
    case CURLE_OPERATION_TIMEDOUT: {  // the connect phase only
      curl_off_t connected = 0;
      curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connected);
      return connected == 0;
    }
    default:
      return false;
  }
}

}  // namespace

void fetch_all(const std::vector<HttpRequest>& requests,
               const HttpOptions& options, const HttpDone& done) {
  if (requests.empty()) {
    return;
  }
  Downloader downloader(requests, options, done);
  downloader.run();
}

}  // namespace feedmark
