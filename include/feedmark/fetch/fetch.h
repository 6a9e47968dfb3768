#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "feedmark/util/dates.h"
#include "feedmark/util/error.h"

namespace feedmark {

/// Where a feed comes from, as the user named it.
struct Source {
  enum class Kind { kUrl, kFile, kStdin };
  Kind kind = Kind::kFile;
  std::string location;  ///< the URL, the path, or "-"
};

/// Classifies a command-line SOURCE: http(s) URL, "-" for stdin, else a path.
Source classify_source(const std::string& text);

/// The bytes of a feed and what the transport said about them.
struct Response {
  std::string final_url;     ///< after redirects; empty for files and stdin
  std::string content_type;  ///< the HTTP Content-Type, empty if none
  std::string body;
  int status = 200;
  std::string etag;  ///< validators to send next time, if any
  std::string last_modified;
  std::string image_type;  ///< an image request's sniffed extension ("png")
  std::uint64_t image_size = 0;  ///< and the bytes written to its file
};

/// The default of --max-size: the largest feed read, from any source.
inline constexpr std::uint64_t kDefaultMaxSize = 33'554'432;

/// Reads a file or stdin whole, refusing more than `max_size` bytes and any
/// file that is not a regular one (a directory, a device, a FIFO). URLs are
/// the network fetcher's job.
Result<Response> read_local_source(const Source& source,
                                   std::uint64_t max_size = kDefaultMaxSize);

/// One feed to download, with the validators of its last download.
struct HttpRequest {
  std::string url;
  std::string user_agent;
  std::string etag;           ///< sent as If-None-Match
  std::string last_modified;  ///< sent as If-Modified-Since
  std::string referer;        ///< sent as Referer, if any
  /// 0: HttpOptions::max_size. Counted as for feeds (decoded bytes).
  std::uint64_t max_size = 0;
  /// A URL a feed chose: never connect to a private address (SPEC
  /// "Private networks"), checked on each address libcurl connects to.
  bool public_only = false;
  /// The body must be an image (sniffed from its bytes, SPEC "Images") and
  /// is streamed into this file, created or truncated; it is removed when
  /// the download fails. Empty: the body is kept in Response::body.
  std::string image_file;
  /// Certificate authorities trusted for this request besides the system's
  /// (a feed list's cacert=); empty: HttpOptions::ca_file.
  std::string ca_file;
  /// A Netscape cookie file whose cookies are sent to the domains they
  /// name (a feed list's cookies=); read, never written. Empty:
  /// HttpOptions::cookie_file.
  std::string cookie_file;
};

/// Limits of a batch of downloads (SPEC "Options of fetch", "Networking").
struct HttpOptions {
  /// Connections at once, over all hosts (--jobs): an HTTP/1.1 transfer
  /// holds one; the transfers to an HTTP/2 host share the first's.
  unsigned jobs = 8;
  unsigned per_host = 2;  ///< connections to one host at once
  /// Transfers in flight on one HTTP/2 host: its streams.
  unsigned streams_per_host = 100;
  /// --cacert, else CURL_CA_BUNDLE, else SSL_CERT_FILE: certificate
  /// authorities trusted besides the system's directory (SSL_CERT_DIR
  /// replaces that directory), as curl reads them.
  std::string ca_file;
  std::string ca_dir;
  /// --cookies: the cookie file of requests that name none.
  std::string cookie_file;
  std::chrono::milliseconds timeout{30'000};  ///< whole transfer, per attempt
  std::chrono::milliseconds connect_timeout{10'000};
  std::uint64_t max_size = kDefaultMaxSize;  ///< decoded body bytes
  unsigned retries = 2;                      ///< of transient failures
  std::chrono::milliseconds backoff{1'000};  ///< first retry delay, doubling
  unsigned max_redirects = 10;
  UnixTime now = 0;  ///< the clock Retry-After dates are read against
};

/// A download that did not fail. "Not modified" and "come back later" are
/// normal outcomes, not errors.
struct HttpResult {
  enum class Kind { kFetched, kNotModified, kDeferred };
  Kind kind = Kind::kFetched;
  Response response;              ///< kFetched: the body and its headers
  std::optional<UnixTime> until;  ///< kDeferred: Retry-After as a time
  std::string moved_to;  ///< where a chain of permanent redirects (301/308)
                         ///< from the requested URL ends; empty if none
  unsigned attempts = 1;
  std::chrono::milliseconds elapsed{0};
};

/// Receives each finished download: the index of its request and the outcome.
using HttpDone = std::function<void(std::size_t, Result<HttpResult>)>;

/// Downloads requests with libcurl's multi interface as they are submitted,
/// all sharing its limits (--jobs, connections per host). `done` is called
/// once per request, in completion order, on the thread of run().
class DownloadSession {
 public:
  DownloadSession(const HttpOptions& options, HttpDone done);
  ~DownloadSession();
  DownloadSession(const DownloadSession&) = delete;
  DownloadSession& operator=(const DownloadSession&) = delete;

  /// Queues a request from any thread; returns the index `done` gets.
  std::size_t submit(HttpRequest request);
  /// From any thread: no more requests; run() returns once all are done.
  void close();
  /// Runs the downloads until close() and every request is done.
  void run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// Downloads every request with libcurl's multi interface and calls `done`
/// once per request, in completion order, on the calling thread. A failure
/// names the URL and the cause; transient ones (connect errors, 5xx) are
/// retried with backoff first.
void fetch_all(const std::vector<HttpRequest>& requests,
               const HttpOptions& options, const HttpDone& done);

/// The moment a Retry-After value (seconds or an HTTP date) names, read
/// against `now`; nothing if it is unreadable.
std::optional<UnixTime> retry_after_time(std::string_view value, UnixTime now);

/// Why a redirect from `from` to `to` may not be followed, or "" if it may:
/// only http and https, and never from https down to http.
std::string redirect_refusal(const std::string& from, const std::string& to);

}  // namespace feedmark
