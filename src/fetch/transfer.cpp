#include "transfer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "feedmark/fetch/address_guard.h"
#include "feedmark/fetch/image_sniff.h"
#include "feedmark/util/text.h"
#include "feedmark/util/url.h"

namespace feedmark::http_detail {
namespace {

using std::chrono::milliseconds;

// A server that trickles bytes would hold a slot for the whole --timeout;
// abort a transfer slower than this for this long.
constexpr long kLowSpeedBytes = 100;
constexpr long kLowSpeedSeconds = 20;

constexpr const char* kAcceptFeeds =
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
constexpr const char* kAcceptImages =
    "image/avif, image/webp, image/png, image/jpeg, image/gif, image/*;q=0.8";

bool wants_image(const Transfer& t) {
  return !t.request.image_file.empty();
}

// The first bytes decide whether an image request's body is worth reading:
// an HTML page sent as "image/jpeg" is refused after 32 bytes.
bool accept_image_bytes(Transfer& t, std::string_view data) {
  if (t.head.size() < kImageHeadBytes) {
    t.head.append(data.substr(0, kImageHeadBytes - t.head.size()));
    if (t.head.size() == kImageHeadBytes) {
      if (ImageSniff sniff = sniff_image_head(t.head); !sniff.refusal.empty()) {
        t.not_image = std::move(sniff.refusal);
        return false;
      }
    }
  }
  // A JPEG may carry data after its end (a motion photo's video), so its
  // end marker is looked for everywhere, across chunk boundaries too.
  if (!t.jpeg_end_seen && !data.empty()) {
    t.jpeg_end_seen =
        data.find("\xFF\xD9") != std::string_view::npos ||
        (!t.tail.empty() && t.tail.back() == '\xFF' && data.front() == '\xD9');
  }
  if (data.size() >= kImageTailBytes) {
    t.tail.assign(data.substr(data.size() - kImageTailBytes));
  } else {
    t.tail.append(data);
    if (t.tail.size() > kImageTailBytes) {
      t.tail.erase(0, t.tail.size() - kImageTailBytes);
    }
  }
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool write_image_bytes(Transfer& t, std::string_view data) {
  if (!accept_image_bytes(t, data)) {
    return false;
  }
  if (t.fd < 0) {
    t.fd = ::open(t.request.image_file.c_str(),
                  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t.fd < 0) {
      t.write_error = fmt::format("cannot write {}: {}", t.request.image_file,
                                  std::strerror(errno));
      return false;
    }
  }
  if (!write_all(t.fd, data)) {
    t.write_error = fmt::format("cannot write {}: {}", t.request.image_file,
                                std::strerror(errno));
    return false;
  }
  t.written += data.size();
  return true;
}

// Counts decoded bytes (libcurl hands them over after gzip/deflate/brotli),
// so a small compressed body cannot grow past --max-size.
std::size_t append_body(char* data, std::size_t size, std::size_t count,
                        void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (!t->keep_body) {
    return bytes;  // an error page or a redirect's body: not needed
  }
  const std::uint64_t so_far = wants_image(*t) ? t->written : t->body.size();
  if (so_far + bytes > t->max_size) {
    t->too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  if (wants_image(*t)) {
    return write_image_bytes(*t, {data, bytes}) ? bytes : CURL_WRITEFUNC_ERROR;
  }
  t->body.append(data, bytes);
  return bytes;
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
  if (t->host_notes != nullptr) {
    long version = 0;
    curl_easy_getinfo(t->easy, CURLINFO_HTTP_VERSION, &version);
    Transfer::HostNote note{t->host, version >= CURL_HTTP_VERSION_2_0, 0, {}};
    // 429 is about the client: the host's other feeds would get it too. A
    // 503's Retry-After may be one feed's maintenance: that feed alone.
    if (status == 429 && !wants_image(*t)) {
      note.status = static_cast<int>(status);
      note.retry_after = header_value(t->easy, "Retry-After");
    }
    if (note.multiplexing || !note.retry_after.empty()) {
      t->host_notes->push_back(std::move(note));
    }
  }
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

// Called once the connection is up, before the request goes: a TLS
// connection that agreed on HTTP/2 (ALPN "h2") is noted at once, so the
// host's other transfers go out as streams on it without waiting for this
// response (one origin delay sooner than the headers would tell).
int on_connected(void* user, char*, char*, int, int) {
  auto* t = static_cast<Transfer*>(user);
  const curl_tlssessioninfo* tls = nullptr;
  if (t->host_notes != nullptr &&
      curl_easy_getinfo(t->easy, CURLINFO_TLS_SSL_PTR, &tls) == CURLE_OK &&
      tls != nullptr && tls->backend == CURLSSLBACKEND_OPENSSL &&
      tls->internals != nullptr) {
    const unsigned char* protocol = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(static_cast<SSL*>(tls->internals), &protocol,
                           &length);
    if (length == 2 && protocol[0] == 'h' && protocol[1] == '2') {
      t->host_notes->push_back({t->host, true, 0, {}});
    }
  }
  return CURL_PREREQFUNC_OK;
}

// The private-network guard, on the address libcurl is about to connect
// to: a name that resolves to 127.0.0.1 is refused as 127.0.0.1 is, and a
// DNS answer that changes between two lookups changes nothing.
curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  if (t->request.public_only && is_private_address(&address->addr)) {
    const std::string text = address_text(&address->addr);
    const auto port =
        ntohs(reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_port);
    const std::string endpoint = address->family == AF_INET6
                                     ? fmt::format("[{}]:{}", text, port)
                                     : fmt::format("{}:{}", text, port);
    const std::set<std::string>* proxy =
        t->proxies == nullptr ? nullptr : t->proxies->endpoints_for(t->url);
    if (proxy == nullptr || !proxy->contains(endpoint)) {
      t->refused_address = text;
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC,
                  address->protocol);
}

double seconds_of(milliseconds d) {
  return static_cast<double>(d.count()) / 1000;
}

}  // namespace

void Transfer::reset_body() {
  body.clear();
  too_large = false;
  announced_size = 0;
  keep_body = true;
  error[0] = '\0';
  head.clear();
  tail.clear();
  not_image.clear();
  jpeg_end_seen = false;
  written = 0;
  if (fd >= 0) {
    [[maybe_unused]] const int truncated = ::ftruncate(fd, 0);
    ::lseek(fd, 0, SEEK_SET);
  }
}

void Transfer::close_image_file(bool keep) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
  if (!keep && !request.image_file.empty()) {
    ::unlink(request.image_file.c_str());
  }
}

void configure(Transfer& t, const HttpOptions& options) {
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // followed by hand
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  // The user's certificate authorities, besides the system's directory.
  const std::string& ca_file =
      t.request.ca_file.empty() ? options.ca_file : t.request.ca_file;
  if (!ca_file.empty()) {
    curl_easy_setopt(e, CURLOPT_CAINFO, ca_file.c_str());
  }
  if (!options.ca_dir.empty()) {
    curl_easy_setopt(e, CURLOPT_CAPATH, options.ca_dir.c_str());
  }
  const std::string& cookies = t.request.cookie_file.empty()
                                   ? options.cookie_file
                                   : t.request.cookie_file;
  if (!cookies.empty()) {
    // The cookie engine sends each cookie only to the domain it names; no
    // COOKIEJAR, so nothing is ever written back.
    curl_easy_setopt(e, CURLOPT_COOKIEFILE, cookies.c_str());
  }
  // HTTP/2 when TLS offers it, and a new transfer waits for a connection
  // that can carry it as one more stream rather than opening another.
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_connected);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, &t);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // all libcurl decodes
  curl_easy_setopt(e, CURLOPT_USERAGENT, t.request.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytes);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, kLowSpeedSeconds);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  if (t.request.public_only) {
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(e, CURLOPT_SHARE, t.guarded_connections);
  }
  if (!t.request.referer.empty()) {
    curl_easy_setopt(e, CURLOPT_REFERER, t.request.referer.c_str());
  }
  t.headers = curl_slist_append(
      t.headers,
      fmt::format("Accept: {}", wants_image(t) ? kAcceptImages : kAcceptFeeds)
          .c_str());
  if (!t.request.etag.empty()) {
    t.headers = curl_slist_append(
        t.headers, fmt::format("If-None-Match: {}", t.request.etag).c_str());
  }
  if (!t.request.last_modified.empty()) {
    t.headers = curl_slist_append(
        t.headers,
        fmt::format("If-Modified-Since: {}", t.request.last_modified).c_str());
  }
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
}

std::string header_value(CURL* easy, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK ||
      header == nullptr) {
    return {};
  }
  return std::string(trim(header->value));
}

std::string transport_cause(const Transfer& t, CURLcode code,
                            const HttpOptions& options) {
  long os_errno = 0;
  curl_easy_getinfo(t.easy, CURLINFO_OS_ERRNO, &os_errno);
  const std::string detail = t.error[0] ? t.error : curl_easy_strerror(code);
  const char* size_flag = wants_image(t) ? "--max-image-size" : "--max-size";
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return fmt::format("DNS: cannot resolve host {}",
                         scheme_and_host(t.url).host);
    case CURLE_COULDNT_CONNECT:
      if (!t.refused_address.empty()) {
        return fmt::format(
            "refused: {} is at the private address {} "
            "(--allow-private-networks allows it)",
            scheme_and_host(t.url).host, t.refused_address);
      }
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
      if (!t.not_image.empty()) {
        return t.not_image;
      }
      if (!t.write_error.empty()) {
        return t.write_error;
      }
      if (t.announced_size > 0) {
        return fmt::format("larger than {} ({} bytes): Content-Length {}",
                           size_flag, t.max_size, t.announced_size);
      }
      return t.too_large ? fmt::format("larger than {} ({} bytes)", size_flag,
                                       t.max_size)
                         : detail;
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected = 0;
      curl_easy_getinfo(t.easy, CURLINFO_CONNECT_TIME_T, &connected);
      if (connected == 0) {
        return fmt::format("connect timed out after {:g} s",
                           seconds_of(options.connect_timeout));
      }
      if (Clock::now() + milliseconds(500) < t.deadline) {
        return fmt::format("too slow: under {} bytes/s for {} s",
                           kLowSpeedBytes, kLowSpeedSeconds);
      }
      return fmt::format("timed out after {:g} s (--timeout)",
                         seconds_of(options.timeout));
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

bool transient(const Transfer& t, CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return t.refused_address.empty();
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

}  // namespace feedmark::http_detail
