// The network fetcher against a real HTTP server on 127.0.0.1.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <map>
#include <thread>

#include "feedmark/fetch/fetch.h"
#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

using namespace std::chrono_literals;

const std::string kFeed =
    "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
    "<link>https://example.com/</link><item><title>One</title>"
    "<link>https://example.com/1</link></item></channel></rss>";

/// Options that keep failing tests quick: short backoff and timeouts.
HttpOptions quick_options() {
  HttpOptions options;
  options.backoff = 50ms;
  options.timeout = 5s;
  options.now = 1'000'000;
  return options;
}

/// Fetches one URL and returns its outcome.
Result<HttpResult> fetch_one(const HttpRequest& request,
                             const HttpOptions& options = quick_options()) {
  std::optional<Result<HttpResult>> outcome;
  fetch_all({request}, options, [&](std::size_t, Result<HttpResult> r) {
    outcome.emplace(std::move(r));
  });
  REQUIRE(outcome.has_value());
  return std::move(*outcome);
}

Result<HttpResult> fetch_one(const std::string& url) {
  return fetch_one(HttpRequest{url, "feedmark-test/1", {}, {}});
}

void serve_feed(httplib::Response& res) {
  res.set_content(kFeed, "application/rss+xml");
}

std::string gzip(const std::string& text) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("A feed is downloaded with its validators and content type",
          "[fetch][http]") {
  TestServer server;
  server.routes().Get("/feed.xml", [](const auto&, httplib::Response& res) {
    res.set_header("ETag", "\"v1\"");
    res.set_header("Last-Modified", "Wed, 30 Mar 2022 17:45:57 GMT");
    res.set_content(kFeed, "application/rss+xml; charset=utf-8");
  });
  server.start();
  const Result<HttpResult> result = fetch_one(server.url("/feed.xml"));
  REQUIRE(result);
  CHECK(result->kind == HttpResult::Kind::kFetched);
  CHECK(result->response.status == 200);
  CHECK(result->response.body == kFeed);
  CHECK(result->response.final_url == server.url("/feed.xml"));
  CHECK(result->response.content_type == "application/rss+xml; charset=utf-8");
  CHECK(result->response.etag == "\"v1\"");
  CHECK(result->response.last_modified == "Wed, 30 Mar 2022 17:45:57 GMT");
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].headers.find("User-Agent")->second == "feedmark-test/1");
  CHECK(seen[0].headers.count("If-None-Match") == 0);
}

TEST_CASE("Stored validators make a conditional request, 304 is not modified",
          "[fetch][http]") {
  TestServer server;
  server.routes().Get("/feed.xml",
                      [](const httplib::Request& req, httplib::Response& res) {
                        if (req.get_header_value("If-None-Match") == "\"v1\"" ||
                            req.get_header_value("If-Modified-Since") ==
                                "Wed, 30 Mar 2022 17:45:57 GMT") {
                          res.status = 304;
                          return;
                        }
                        serve_feed(res);
                      });
  server.start();
  SECTION("ETag") {
    const auto result =
        fetch_one({server.url("/feed.xml"), "ua", "\"v1\"", {}});
    REQUIRE(result);
    CHECK(result->kind == HttpResult::Kind::kNotModified);
    CHECK(result->response.body.empty());
  }
  SECTION("Last-Modified") {
    const auto result = fetch_one(
        {server.url("/feed.xml"), "ua", {}, "Wed, 30 Mar 2022 17:45:57 GMT"});
    REQUIRE(result);
    CHECK(result->kind == HttpResult::Kind::kNotModified);
  }
  SECTION("a stale ETag gets the body") {
    const auto result =
        fetch_one({server.url("/feed.xml"), "ua", "\"v0\"", {}});
    REQUIRE(result);
    CHECK(result->kind == HttpResult::Kind::kFetched);
    CHECK(result->response.body == kFeed);
  }
}

TEST_CASE("A body that arrives too slowly is cut off at the timeout",
          "[fetch][http]") {
  TestServer server;
  server.routes().Get("/slow.xml", [](const auto&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "application/rss+xml", [](std::size_t, httplib::DataSink& sink) {
          std::this_thread::sleep_for(100ms);
          return sink.write("<!-- still here -->", 19);
        });
  });
  server.start();
  HttpOptions options = quick_options();
  options.timeout = 700ms;
  const auto start = std::chrono::steady_clock::now();
  const auto result =
      fetch_one({server.url("/slow.xml"), "ua", {}, {}}, options);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(result);
  CHECK(result.error().source == server.url("/slow.xml"));
  CHECK(result.error().message == "timed out after 0.7 s (--timeout)");
  CHECK(elapsed < 3s);                    // not retried: a timeout is no
  CHECK(server.count("/slow.xml") == 1);  // connect error
}

TEST_CASE("A body over --max-size is aborted, counting decoded bytes",
          "[fetch][http]") {
  TestServer server;
  const std::string big(5000, 'x');
  server.routes().Get("/big.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(big, "application/octet-stream");
  });
  server.routes().Get("/bomb.xml", [&](const auto&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(gzip(std::string(100'000, ' ')), "application/rss+xml");
  });
  // Announces 5000 bytes, then sends them slowly: 100 bytes every 200 ms.
  server.routes().Get("/slow-big.xml", [](const auto&, httplib::Response& res) {
    res.set_content_provider(
        5000, "application/rss+xml",
        [](std::size_t, std::size_t, httplib::DataSink& sink) {
          std::this_thread::sleep_for(200ms);
          const std::string part(100, ' ');
          return sink.write(part.data(), part.size());
        });
  });
  server.routes().Get("/unsized.xml", [&](const auto&, httplib::Response& res) {
    res.set_chunked_content_provider(
        "application/rss+xml",
        [&](std::size_t offset, httplib::DataSink& sink) {
          if (offset >= big.size()) {
            sink.done();
            return true;
          }
          return sink.write(big.data() + offset, 500);
        });
  });
  server.routes().Get("/gone.xml", [&](const auto&, httplib::Response& res) {
    res.status = 404;
    res.set_content(big, "text/html");
  });
  server.start();
  HttpOptions options = quick_options();
  options.max_size = 1000;
  SECTION("an error page over the limit is reported by its status") {
    const auto result =
        fetch_one({server.url("/gone.xml"), "ua", {}, {}}, options);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "HTTP 404 Not Found");
  }
  SECTION("a Content-Length over the limit is refused before the body") {
    const auto start = std::chrono::steady_clock::now();
    const auto result =
        fetch_one({server.url("/slow-big.xml"), "ua", {}, {}}, options);
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "larger than --max-size (1000 bytes): Content-Length 5000");
    // Reading the body up to the limit would take two seconds.
    CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  }
  SECTION("a body with no Content-Length is cut at the limit") {
    const auto result =
        fetch_one({server.url("/unsized.xml"), "ua", {}, {}}, options);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "larger than --max-size (1000 bytes)");
  }
  SECTION("a Content-Length just over the limit is left to the body count") {
    options.max_size = 4990;  // 5000 is within the room left for deflate
    const auto result =
        fetch_one({server.url("/big.xml"), "ua", {}, {}}, options);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "larger than --max-size (4990 bytes)");
  }
  SECTION("a small gzip body that inflates past the limit") {
    const auto result =
        fetch_one({server.url("/bomb.xml"), "ua", {}, {}}, options);
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "larger than --max-size (1000 bytes)");
  }
}

TEST_CASE("A body shorter than its Content-Length is a failure",
          "[fetch][http]") {
  TestServer server;
  server.routes().Get("/cut.xml", [](const auto&, httplib::Response& res) {
    res.set_content_provider(
        1000, "application/rss+xml",
        [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
          if (offset > 0) {
            return false;  // hang up mid-body
          }
          const std::string half(500, ' ');
          sink.write(half.data(), half.size());
          return true;
        });
  });
  server.start();
  const auto result = fetch_one(server.url("/cut.xml"));
  REQUIRE_FALSE(result);
  CHECK(result.error().message == "truncated body: 500 of 1000 bytes");
}

TEST_CASE("Redirects are followed, checked hop by hop and bounded",
          "[fetch][http]") {
  TestServer server;
  auto redirect = [&](const std::string& from, const std::string& to,
                      int status) {
    server.routes().Get(from, [to, status](const auto&, httplib::Response& r) {
      r.set_redirect(to, status);
    });
  };
  redirect("/temp", "/perm", 302);
  redirect("/perm", "/feed.xml", 301);
  redirect("/moved", "/moved-again", 301);
  redirect("/moved-again", "/feed.xml", 308);
  redirect("/loop-a", "/loop-b", 302);
  redirect("/loop-b", "/loop-a", 302);
  redirect("/secret", "file:///etc/passwd", 302);
  redirect("/ftp", "ftp://127.0.0.1/feed.xml", 301);
  server.routes().Get(
      R"(/hop/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
        res.set_redirect(
            "/hop/" + std::to_string(std::stoi(req.matches[1]) + 1), 302);
      });
  server.routes().Get("/feed.xml", [](const auto&, httplib::Response& res) {
    serve_feed(res);
  });
  server.start();

  SECTION("a chain ending in the feed") {
    const auto result = fetch_one(server.url("/temp"));
    REQUIRE(result);
    CHECK(result->response.body == kFeed);
    CHECK(result->response.final_url == server.url("/feed.xml"));
    CHECK(result->moved_to.empty());  // the first hop was temporary
  }
  SECTION("permanent moves are reported") {
    const auto result = fetch_one(server.url("/moved"));
    REQUIRE(result);
    CHECK(result->moved_to == server.url("/feed.xml"));
  }
  SECTION("a loop") {
    const auto result = fetch_one(server.url("/loop-a"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "redirect loop at " + server.url("/loop-a"));
  }
  SECTION("more than ten") {
    const auto result = fetch_one(server.url("/hop/0"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "more than 10 redirects");
    CHECK(server.count("/hop/10") == 1);
    CHECK(server.count("/hop/11") == 0);
  }
  SECTION("to a file: URL") {
    const auto result = fetch_one(server.url("/secret"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "redirect to file:///etc/passwd refused: not an http(s) URL");
  }
  SECTION("to ftp:") {
    const auto result = fetch_one(server.url("/ftp"));
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().message,
               Catch::Contains("refused: not an http(s) URL"));
  }
}

TEST_CASE("Redirects never leave http(s) and never go from https to http",
          "[fetch][http]") {
  CHECK(redirect_refusal("http://a/", "https://b/").empty());
  CHECK(redirect_refusal("https://a/", "https://b/").empty());
  CHECK(redirect_refusal("http://a/", "http://b/").empty());
  CHECK(redirect_refusal("https://a/", "http://a/") ==
        "a downgrade from https to http");
  CHECK(redirect_refusal("HTTPS://a/", "HTTP://a/") ==
        "a downgrade from https to http");
  CHECK(redirect_refusal("http://a/", "file:///etc/passwd") ==
        "not an http(s) URL");
  CHECK(redirect_refusal("http://a/", "gopher://a/") == "not an http(s) URL");
}

TEST_CASE("HTTP errors fail the feed, 5xx is retried with backoff",
          "[fetch][http]") {
  TestServer server;
  std::atomic<int> flaky_calls{0};
  server.routes().Get("/missing.xml", [](const auto&, httplib::Response& res) {
    res.status = 404;
  });
  server.routes().Get("/flaky.xml", [&](const auto&, httplib::Response& res) {
    if (flaky_calls++ == 0) {
      res.status = 500;
      return;
    }
    serve_feed(res);
  });
  server.routes().Get("/down.xml", [](const auto&, httplib::Response& res) {
    res.status = 502;
  });
  server.start();

  SECTION("404 is not retried") {
    const auto result = fetch_one(server.url("/missing.xml"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "HTTP 404 Not Found");
    CHECK(server.count("/missing.xml") == 1);
  }
  SECTION("500 then 200") {
    const auto result = fetch_one(server.url("/flaky.xml"));
    REQUIRE(result);
    CHECK(result->response.body == kFeed);
    CHECK(result->attempts == 2);
    CHECK(server.count("/flaky.xml") == 2);
  }
  SECTION("502 every time: 1 + --retries attempts") {
    const auto result = fetch_one(server.url("/down.xml"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "HTTP 502 Bad Gateway (after 3 attempts)");
    CHECK(server.count("/down.xml") == 3);
  }
}

TEST_CASE("The backoff between retries doubles", "[fetch][http]") {
  TestServer server;
  server.routes().Get("/down.xml", [](const auto&, httplib::Response& res) {
    res.status = 500;
  });
  server.start();
  HttpOptions options = quick_options();
  options.backoff = 200ms;
  const auto start = std::chrono::steady_clock::now();
  const auto result =
      fetch_one({server.url("/down.xml"), "ua", {}, {}}, options);
  REQUIRE_FALSE(result);
  CHECK(std::chrono::steady_clock::now() - start >= 600ms);  // 200 + 400
  CHECK(server.count("/down.xml") == 3);
}

TEST_CASE("A refused connection is retried, then reported", "[fetch][http]") {
  int port = 0;
  {
    TestServer gone;  // a port that was just free: nothing listens on it now
    port = gone.start();
  }
  const std::string url =
      "http://127.0.0.1:" + std::to_string(port) + "/feed.xml";
  const auto result = fetch_one(url);
  REQUIRE_FALSE(result);
  CHECK(result.error().source == url);
  CHECK(result.error().message == "connection refused (after 3 attempts)");
}

TEST_CASE("429 and 503 with Retry-After defer the feed", "[fetch][http]") {
  TestServer server;
  server.routes().Get("/busy.xml", [](const auto&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "120");
  });
  server.routes().Get("/maint.xml", [](const auto&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "Mon, 12 Jan 1970 13:47:40 GMT");
  });
  std::atomic<int> now_calls{0};
  server.routes().Get("/now.xml", [&](const auto&, httplib::Response& res) {
    if (now_calls++ == 0) {
      res.status = 503;
      res.set_header("Retry-After", "0");
      return;
    }
    res.set_content("<rss version=\"2.0\"><channel/></rss>", "text/xml");
  });
  server.routes().Get("/past.xml", [](const auto&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "Mon, 12 Jan 1970 13:46:39 GMT");
  });
  server.routes().Get("/forever.xml", [](const auto&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "99999999");
  });
  server.routes().Get("/rude.xml", [](const auto&, httplib::Response& res) {
    res.status = 429;
  });
  server.start();
  SECTION("seconds") {
    const auto result = fetch_one(server.url("/busy.xml"));
    REQUIRE(result);
    CHECK(result->kind == HttpResult::Kind::kDeferred);
    CHECK(result->response.status == 429);
    CHECK(result->until == 1'000'000 + 120);
    CHECK(server.count("/busy.xml") == 1);
  }
  SECTION("an HTTP date") {
    const auto result = fetch_one(server.url("/maint.xml"));
    REQUIRE(result);
    CHECK(result->kind == HttpResult::Kind::kDeferred);
    CHECK(result->until == 1'000'060);
    CHECK(server.count("/maint.xml") == 1);  // not retried
  }
  SECTION("zero means now: retried at once") {
    const auto result = fetch_one(server.url("/now.xml"));
    REQUIRE(result);
    CHECK(result->kind == HttpResult::Kind::kFetched);
    CHECK(server.count("/now.xml") == 2);
  }
  SECTION("a date already past means now, and then fails as the status") {
    const auto result = fetch_one(server.url("/past.xml"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message ==
          "HTTP 429 Too Many Requests (after 3 attempts)");
  }
  SECTION("at most a day") {
    const auto result = fetch_one(server.url("/forever.xml"));
    REQUIRE(result);
    CHECK(result->until == 1'000'000 + 86'400);
  }
  SECTION("429 without Retry-After is an error") {
    const auto result = fetch_one(server.url("/rude.xml"));
    REQUIRE_FALSE(result);
    CHECK(result.error().message == "HTTP 429 Too Many Requests");
  }
}

TEST_CASE("Retry-After values are read as seconds or HTTP dates",
          "[fetch][http]") {
  CHECK(retry_after_time("120", 1000) == 1120);
  CHECK(retry_after_time(" 0 ", 1000) == 1000);
  CHECK(retry_after_time("Wed, 30 Mar 2022 17:45:57 GMT", 0) == 1648662357);
  CHECK_FALSE(retry_after_time("", 1000));
  CHECK_FALSE(retry_after_time("-5", 1000));
  CHECK_FALSE(retry_after_time("soon", 1000));
}

TEST_CASE("Compressed bodies arrive decoded", "[fetch][http]") {
  TestServer server;
  const std::string body = kFeed + std::string(3000, ' ');
  server.routes().Get("/gzip.xml", [&](const auto&, httplib::Response& res) {
    res.set_header("Content-Encoding", "gzip");
    res.set_content(gzip(body), "application/rss+xml");
  });
  // cpp-httplib compresses text/xml itself, with brotli when it is accepted.
  // The logger runs after the response is sent, so the test waits for it.
  std::promise<std::string> encoding;
  server.routes().Get("/auto.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(body, "text/xml");
  });
  server.routes().set_logger(
      [&](const httplib::Request& req, const httplib::Response& res) {
        if (req.path == "/auto.xml") {
          encoding.set_value(res.get_header_value("Content-Encoding"));
        }
      });
  server.start();
  const auto gzipped = fetch_one(server.url("/gzip.xml"));
  REQUIRE(gzipped);
  CHECK(gzipped->response.body == body);
  const auto seen = server.requests();
  const std::string accepted = seen[0].headers.find("Accept-Encoding")->second;
  CHECK_THAT(accepted, Catch::Contains("gzip") && Catch::Contains("deflate") &&
                           Catch::Contains("br"));
  const auto automatic = fetch_one(server.url("/auto.xml"));
  REQUIRE(automatic);
  CHECK(automatic->response.body == body);
  auto sent = encoding.get_future();
  REQUIRE(sent.wait_for(5s) == std::future_status::ready);
  CHECK(sent.get() == "br");
}

TEST_CASE("At most two connections per host, reused between feeds",
          "[fetch][http]") {
  TestServer server;
  std::atomic<int> now_serving{0};
  std::atomic<int> most{0};
  server.routes().Get(R"(/feed/\d+)", [&](const auto&, httplib::Response& res) {
    const int n = ++now_serving;
    for (int m = most; n > m && !most.compare_exchange_weak(m, n);) {
    }
    std::this_thread::sleep_for(100ms);
    --now_serving;
    serve_feed(res);
  });
  server.start();
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 8; ++i) {
    requests.push_back(
        {server.url("/feed/" + std::to_string(i)), "ua", {}, {}});
  }
  std::size_t fetched = 0;
  fetch_all(requests, quick_options(), [&](std::size_t, Result<HttpResult> r) {
    fetched += r && r->response.body == kFeed;
  });
  CHECK(fetched == 8);
  CHECK(most == 2);
  std::set<int> connections;
  for (const auto& seen : server.requests()) {
    connections.insert(seen.remote_port);
  }
  CHECK(connections.size() == 2);  // 8 requests on 2 kept-alive connections
}

TEST_CASE("TLS certificates are verified", "[fetch][http][tls]") {
  httplib::SSLServer server(fixture("tls/self_signed_cert.pem").c_str(),
                            fixture("tls/self_signed_key.pem").c_str());
  REQUIRE(server.is_valid());
  server.Get("/feed.xml",
             [](const auto&, httplib::Response& res) { serve_feed(res); });
  const int port = server.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { server.listen_after_bind(); });
  const std::string url =
      "https://127.0.0.1:" + std::to_string(port) + "/feed.xml";
  const auto result = fetch_one(url);
  server.stop();
  thread.join();
  REQUIRE_FALSE(result);
  CHECK_THAT(result.error().message,
             Catch::StartsWith("TLS certificate not trusted"));
}

}  // namespace feedmark::test

namespace feedmark::test {

TEST_CASE("A reset connection is retried, then reported", "[fetch][http]") {
  // httplib cannot send a TCP reset, so this server is a bare socket that
  // reads each request and closes with SO_LINGER 0, which sends RST.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), length) == 0);
  REQUIRE(::listen(listener, 8) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address),
                        &length) == 0);
  std::atomic<int> resets{0};
  std::thread server([&] {
    for (int i = 0; i < 3; ++i) {
      const int client = ::accept(listener, nullptr, nullptr);
      if (client < 0) {
        return;
      }
      char request[4096];
      (void)::read(client, request, sizeof request);
      const linger hard_close{1, 0};
      ::setsockopt(client, SOL_SOCKET, SO_LINGER, &hard_close,
                   sizeof hard_close);
      ::close(client);
      ++resets;
    }
  });
  const std::string url =
      "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) +
      "/feed.xml";
  const auto result = fetch_one(url);
  server.join();
  ::close(listener);
  REQUIRE_FALSE(result);
  CHECK(result.error().source == url);
  CHECK(result.error().message ==
        "connection reset by the server (after 3 attempts)");
  CHECK(resets == 3);
}

TEST_CASE("A host that cannot be resolved is reported as DNS",
          "[fetch][http]") {
  // A label over 63 bytes fails inside the resolver, before any query is
  // sent, so this test stays off the network.
  const std::string host = std::string(70, 'a') + ".invalid";
  // Built by appending: g++ 12 warns falsely (-Warray-bounds) of
  // "http://" + host + "/feed.xml" once the header is precompiled.
  std::string url = "http://";
  url.append(host).append("/feed.xml");
  const auto result = fetch_one(url);
  REQUIRE_FALSE(result);
  CHECK(result.error().message == "DNS: cannot resolve host " + host);
}

}  // namespace feedmark::test
