#pragma once

// One download's easy handle and what its callbacks gather; the Downloader
// in http.cpp schedules transfers, this part talks to libcurl about one.

#include <curl/curl.h>

#include <chrono>
#include <string>
#include <vector>

#include "feedmark/fetch/fetch.h"
#include "feedmark/fetch/proxy_environment.h"

namespace feedmark::http_detail {

using Clock = std::chrono::steady_clock;

/// One request's way through attempts and redirect hops.
struct Transfer {
  std::size_t index = 0;
  HttpRequest request;
  std::string host;  ///< of the requested URL: the per-host slots it uses
  const ProxyEnvironment* proxies = nullptr;
  /// For a public_only request: the connections only such requests use,
  /// so that none reuses a connection the guard never saw (a feed's, to
  /// a private host).
  CURLSH* guarded_connections = nullptr;
  /// What a response's headers teach of its host, noted as they arrive
  /// (before the body): that it speaks HTTP/2, so the session puts the
  /// host's other transfers in flight at once; that it asked feeds to come
  /// back later (a 429 with Retry-After), so it holds them.
  struct HostNote {
    std::string host;
    bool multiplexing = false;
    int status = 0;
    std::string retry_after;
  };
  std::vector<HostNote>* host_notes = nullptr;
  bool holds_slot = false;  ///< counted in --jobs: it opened a connection
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
  // An image request: the body goes to a file, its ends are kept to sniff.
  int fd = -1;
  std::uint64_t written = 0;
  std::string head;
  std::string tail;
  bool jpeg_end_seen = false;  ///< FF D9 has gone by
  std::string not_image;       ///< why the body was refused while it arrived
  std::string write_error;
  std::string refused_address;  ///< a private address the guard refused
  char error[CURL_ERROR_SIZE] = {};

  /// Readies the transfer for a new hop: nothing of the last one is kept.
  void reset_body();
  /// Closes the image file; removes it unless the image is kept.
  void close_image_file(bool keep);
};

/// Sets every option of a transfer's easy handle but its URL and timeout.
void configure(Transfer& t, const HttpOptions& options);

/// The value of a response header, trimmed; "" if absent.
std::string header_value(CURL* easy, const char* name);

/// The one-line cause of a failed transfer.
std::string transport_cause(const Transfer& t, CURLcode code,
                            const HttpOptions& options);

/// Connect errors, 5xx-like transport failures and connect timeouts.
bool transient(const Transfer& t, CURLcode code);

}  // namespace feedmark::http_detail
