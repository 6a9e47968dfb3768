// HTTP/2 multiplexing, the user's certificate authorities and cookies
// (SPEC "Networking"), against real servers: nginx on 127.0.0.1 with TLS
// and HTTP/2 and a CA the test makes, in front of a backend in this process
// that answers each feed late; and cpp-httplib over HTTP/1.1.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "http_server.h"
#include "nginx_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string feed_body(int n) {
  return fmt::format(
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {0}"
      "</title><link>https://site.example/{0}</link><item><title>Story {0}"
      "</title><link>https://site.example/{0}/1</link><guid>s-{0}</guid>"
      "<description>Text {0}.</description></item></channel></rss>",
      n);
}

/// A backend that answers /feed/N.xml after `delay`, counting how many
/// requests it holds at once.
struct SlowFeeds {
  TestServer server;
  std::chrono::milliseconds delay{100};
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  std::atomic<int> served{0};
  std::function<bool(int, httplib::Response&)> special;
  std::mutex asked_mutex;
  std::set<int> asked;  ///< the feeds asked for, since the last take

  std::set<int> take_asked() {
    const std::lock_guard lock(asked_mutex);
    return std::exchange(asked, {});
  }

  void start() {
    server.routes().new_task_queue = [] { return new httplib::ThreadPool(80); };
    server.routes().Get(
        R"(/feed/(\d+)\.xml)",
        [this](const httplib::Request& req, httplib::Response& res) {
          const int n = std::stoi(req.matches[1]);
          ++served;
          {
            const std::lock_guard lock(asked_mutex);
            asked.insert(n);
          }
          if (special && special(n, res)) {
            return;
          }
          const int now = ++in_flight;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          std::this_thread::sleep_for(delay);
          --in_flight;
          res.set_content(feed_body(n), "application/rss+xml");
        });
    server.start();
  }
};

fs::path feed_list(const fs::path& dir, int feeds,
                   const std::function<std::string(int)>& url,
                   const std::string& settings = {}) {
  std::string list;
  for (int i = 0; i < feeds; ++i) {
    list += url(i) + settings + "\n";
  }
  write_text(dir / "feeds.txt", list);
  return dir / "feeds.txt";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

TEST_CASE(
    "50 feeds on one HTTP/2 host are all in flight over at most 2 "
    "connections",
    "[http][http2]") {
  SlowFeeds backend;
  backend.delay = 300ms;
  backend.start();
  TempDir tmp;
  const NginxServer nginx(tmp / "nginx", backend.server.port());
  const fs::path list = feed_list(tmp.path(), 50, [&](int i) {
    return nginx.url(fmt::format("/feed/{}.xml", i));
  });
  const auto start = std::chrono::steady_clock::now();
  const RunResult run = run_feedmark({"fetch", "--feeds", list.string(), "-a",
                                      (tmp / "a").string(), "--cacert",
                                      nginx.ca_file().string()});
  const double took = seconds_since(start);
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(lines_of(run.out).size() == 50);
  // Two at a time would take 25 rounds of 300 ms: 7.5 s.
  CHECK(took < 5.0);
  // The server's log: all on one or two connections, and all but the first
  // two in flight together (each started before the earliest of them
  // ended).
  std::set<std::string> connections;
  std::vector<double> starts;
  std::vector<double> ends;
  for (const NginxServer::Logged& l : nginx.log()) {
    CHECK(l.protocol == "HTTP/2.0");
    connections.insert(l.connection);
    starts.push_back(l.end - l.duration);
    ends.push_back(l.end);
  }
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  REQUIRE(starts.size() == 50);
  CHECK(starts.back() < ends[2]);
  CHECK(nginx.log().size() == 50);
  CHECK(connections.size() <= 2);
}

TEST_CASE("An HTTP/1.1 host still gets 2 requests at a time", "[http][http2]") {
  SlowFeeds backend;
  backend.delay = 50ms;
  backend.start();
  TempDir tmp;
  const fs::path list = feed_list(tmp.path(), 10, [&](int i) {
    return backend.server.url(fmt::format("/feed/{}.xml", i));
  });
  const RunResult run = run_feedmark(
      {"fetch", "--feeds", list.string(), "-a", (tmp / "a").string()});
  REQUIRE(run.status == 0);
  CHECK(backend.served == 10);
  CHECK(backend.most == 2);
}

TEST_CASE("A 429 with Retry-After on an HTTP/2 host defers its queued feeds",
          "[http][http2]") {
  // More feeds than one connection's streams (100): those still queued
  // when the 429 comes back are deferred without a request.
  constexpr std::size_t kFeeds = 160;
  SlowFeeds backend;
  backend.delay = 300ms;
  backend.special = [](int n, httplib::Response& res) {
    if (n != 0) {
      return false;
    }
    res.status = 429;
    res.set_header("Retry-After", "3600");
    return true;
  };
  backend.start();
  TempDir tmp;
  const NginxServer nginx(tmp / "nginx", backend.server.port());
  const fs::path list = feed_list(tmp.path(), kFeeds, [&](int i) {
    return nginx.url(fmt::format("/feed/{}.xml", i));
  });
  const std::vector<std::string> args = {"fetch",
                                         "--feeds",
                                         list.string(),
                                         "-a",
                                         (tmp / "a").string(),
                                         "--cacert",
                                         nginx.ca_file().string(),
                                         "-v"};
  const RunResult run = run_feedmark(args);
  REQUIRE(run.status == 0);
  std::size_t skipped = 0;
  for (const std::string& line : lines_of(run.err)) {
    skipped += line.find("skipped until") != std::string::npos;
  }
  const std::size_t fetched = lines_of(run.out).size();
  std::set<int> asked = backend.take_asked();
  // Every feed was either asked (the 429'd one and those that answered)
  // or held without a request, and at least the 60 past the streams were.
  CHECK(asked.size() == fetched + 1);
  CHECK(fetched + skipped == kFeeds);
  CHECK(skipped >= kFeeds - 100);
  // And they stay held: the next run asks only those that answered.
  REQUIRE(run_feedmark(args).status == 0);
  asked.erase(0);
  CHECK(backend.take_asked() == asked);
}

TEST_CASE(
    "TLS: the user's CA is trusted, another is not, and the error "
    "names the feed",
    "[http][http2][tls]") {
  SlowFeeds backend;
  backend.delay = 0ms;
  backend.start();
  TempDir tmp;
  const NginxServer nginx(tmp / "nginx", backend.server.port());
  const std::string url = nginx.url("/feed/7.xml");
  for (const std::vector<std::string>& trust :
       {std::vector<std::string>{},
        {"--cacert", nginx.other_ca_file().string()}}) {
    std::vector<std::string> args = {
        "fetch", url, "-a", (tmp / "a").string(), "--retries", "0"};
    args.insert(args.end(), trust.begin(), trust.end());
    const RunResult run = run_feedmark(args);
    CHECK(run.status == 1);
    CHECK(run.out.empty());
    REQUIRE(lines_of(run.err).size() == 1);
    CHECK(run.err.starts_with("feedmark: " + url +
                              ": TLS certificate not trusted"));
  }
  // The CA as curl takes it from the environment, and from a feed list.
  RunResult run = run_feedmark({"fetch", url, "-a", (tmp / "b").string()}, {},
                               {{"SSL_CERT_FILE", nginx.ca_file().string()}});
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(lines_of(run.out).size() == 1);
  write_text(tmp / "list.txt", url + " cacert=nginx/ca.pem\n");
  run = run_feedmark({"fetch", "--feeds", (tmp / "list.txt").string(), "-a",
                      (tmp / "c").string()});
  CHECK(run.status == 0);
  CHECK(lines_of(run.out).size() == 1);
  // A cacert= that names no file is the list's error, before any request.
  write_text(tmp / "bad.txt", url + " cacert=nope.pem\n");
  run = run_feedmark({"fetch", "--feeds", (tmp / "bad.txt").string(), "-a",
                      (tmp / "d").string()});
  CHECK(run.status == 2);
  CHECK(run.err.find("cannot read") != std::string::npos);
}

TEST_CASE("Cookies open a subscriber's page and go to no other host",
          "[http][cookies]") {
  TestServer server;
  std::string article_cookie;
  std::string other_host_cookie = "(not asked)";
  const std::string story =
      "<p>The subscriber's story in full: the council voted on Tuesday to "
      "rebuild the harbour wall, after a winter of storms left two breaches "
      "in it and the fish market flooded three times.</p>";
  server.routes().Get(
      "/article", [&](const httplib::Request& req, httplib::Response& res) {
        article_cookie = req.get_header_value("Cookie");
        if (article_cookie.find("session=s3cret") == std::string::npos) {
          res.status = 403;
          res.set_content("<html><body>Subscribe</body></html>", "text/html");
          return;
        }
        res.set_content("<html><body><article><h1>Story</h1>" + story + story +
                            story + "</article></body></html>",
                        "text/html");
      });
  server.routes().Get("/go", [&](const auto&, httplib::Response& res) {
    res.set_redirect(
        fmt::format("http://localhost:{}/elsewhere", server.port()));
  });
  server.routes().Get("/elsewhere",
                      [&](const httplib::Request& req, httplib::Response& res) {
                        other_host_cookie = req.get_header_value("Cookie");
                        res.set_content("<html><body><article>" + story +
                                            story + "</article></body></html>",
                                        "text/html");
                      });
  server.routes().Get("/feed.xml", [&](const auto&, httplib::Response& res) {
    res.set_content(
        fmt::format("<rss version=\"2.0\"><channel><title>Paper</title>"
                    "<link>{0}</link><item><title>A</title><link>{1}</link>"
                    "<guid>a</guid><description>Teaser.</description></item>"
                    "<item><title>B</title><link>{2}</link><guid>b</guid>"
                    "<description>Teaser.</description></item></channel>"
                    "</rss>",
                    server.url("/"), server.url("/article"), server.url("/go")),
        "application/rss+xml");
  });
  server.start();
  TempDir tmp;
  write_text(tmp / "cookies.txt",
             "# Netscape HTTP Cookie File\n"
             "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\ts3cret\n");
  const std::string cookies_before = read_text(tmp / "cookies.txt");
  const auto fetch = [&](const fs::path& archive,
                         std::vector<std::string> extra) {
    std::vector<std::string> args = {"fetch",
                                     server.url("/feed.xml"),
                                     "-a",
                                     archive.string(),
                                     "--full-text",
                                     "always",
                                     "--allow-private-networks",
                                     "--retries",
                                     "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_feedmark(args);
  };
  // Without the cookie: 403, the teaser stays.
  RunResult run = fetch(tmp / "a", {"-v"});
  CHECK(run.err.find("403") != std::string::npos);
  CHECK(article_cookie.empty());
  // With it: the article; the redirect to another host carries none.
  run = fetch(tmp / "b", {"--cookies", (tmp / "cookies.txt").string()});
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(article_cookie.find("session=s3cret") != std::string::npos);
  CHECK(other_host_cookie.empty());
  bool found = false;
  for (const std::string& name : markdown_files(tmp / "b")) {
    found = found || read_text(tmp / "b" / name)
                             .find(
                                 "rebuild the harbour "
                                 "wall") != std::string::npos;
  }
  CHECK(found);
  // Nothing is written back.
  CHECK(read_text(tmp / "cookies.txt") == cookies_before);
}

}  // namespace feedmark::test
