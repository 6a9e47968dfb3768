// End-to-end tests of `feedmark fetch` over HTTP: the binary against a real
// server on 127.0.0.1 in this process, checked on disk and on its streams.
#include <fmt/format.h>
#include <sys/wait.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

std::string rss(const std::string& title, int items) {
  std::string feed = fmt::format(
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{}</title>"
      "<link>https://example.com/{}/</link>",
      title, title);
  for (int i = 0; i < items; ++i) {
    feed += fmt::format(
        "<item><title>{} {}</title><link>https://example.com/{}/{}</link>"
        "<pubDate>2022-03-30T23:30:0{}</pubDate></item>",
        title, i, title, i, i);
  }
  return feed + "</channel></rss>";
}

void serve(TestServer& server, const std::string& path, std::string body,
           std::string type = "application/rss+xml") {
  server.routes().Get(path, [body, type](const auto&, httplib::Response& res) {
    res.set_content(body, type);
  });
}

/// The archive's files with their modification times, the lock excepted.
std::map<std::string, fs::file_time_type> snapshot(const fs::path& archive) {
  std::map<std::string, fs::file_time_type> files;
  for (const auto& e : fs::recursive_directory_iterator(archive)) {
    if (e.is_regular_file() && e.path().filename() != ".lock") {
      files[fs::relative(e.path(), archive).string()] = e.last_write_time();
    }
  }
  return files;
}

nlohmann::json state_of(const fs::path& archive, const std::string& url) {
  for (const auto& e : fs::directory_iterator(archive)) {
    const fs::path state = e.path() / ".state.json";
    if (fs::exists(state)) {
      auto j = nlohmann::json::parse(read_text(state));
      if (j["key"] == url) {
        return j;
      }
    }
  }
  FAIL("no state file for " << url);
  return {};
}

std::string header(const TestServer::Seen& seen, const std::string& name) {
  const auto it = seen.headers.find(name);
  return it == seen.headers.end() ? "" : it->second;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("Validators round trip through .state.json, a 304 writes nothing",
          "[cli][http]") {
  TestServer server;
  const std::string body = rss("cond", 3);
  server.routes().Get(
      "/feed.xml", [&](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("If-None-Match") == "\"v1\"") {
          res.status = 304;
          return;
        }
        res.set_header("ETag", "\"v1\"");
        res.set_header("Last-Modified", "Wed, 30 Mar 2022 17:45:57 GMT");
        res.set_content(body, "application/rss+xml");
      });
  server.routes().Get(
      "/dated.xml", [&](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("If-Modified-Since") ==
            "Wed, 30 Mar 2022 17:45:57 GMT") {
          res.status = 304;
          return;
        }
        res.set_header("Last-Modified", "Wed, 30 Mar 2022 17:45:57 GMT");
        res.set_content(rss("dated", 2), "application/rss+xml");
      });
  server.start();
  TempDir tmp;
  const fs::path archive = tmp / "archive";
  const std::vector<std::string> args = {"fetch", server.url("/feed.xml"),
                                         server.url("/dated.xml"), "-a",
                                         archive.string()};
  const RunResult first = run_feedmark(args);
  REQUIRE(first.status == 0);
  CHECK(first.err.empty());
  CHECK(lines_of(first.out).size() == 5);
  const auto state = state_of(archive, server.url("/feed.xml"));
  CHECK(state["etag"] == "\"v1\"");
  CHECK(state["last_modified"] == "Wed, 30 Mar 2022 17:45:57 GMT");
  CHECK(state_of(archive, server.url("/dated.xml"))["etag"] == "");

  const auto before = snapshot(archive);
  std::this_thread::sleep_for(20ms);
  const RunResult second = run_feedmark(args);
  CHECK(second.status == 0);
  CHECK(second.out.empty());
  CHECK(second.err.empty());  // cron mails nothing
  CHECK(snapshot(archive) == before);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 4);
  for (const auto& s : {seen[2], seen[3]}) {
    if (s.path == "/feed.xml") {
      CHECK(header(s, "If-None-Match") == "\"v1\"");
      CHECK(header(s, "If-Modified-Since") == "Wed, 30 Mar 2022 17:45:57 GMT");
    } else {
      CHECK(header(s, "If-None-Match").empty());
      CHECK(header(s, "If-Modified-Since") == "Wed, 30 Mar 2022 17:45:57 GMT");
    }
  }

  const RunResult verbose = run_feedmark(
      {"fetch", server.url("/feed.xml"), "-a", archive.string(), "-v"});
  CHECK(verbose.status == 0);
  CHECK(contains(verbose.err, server.url("/feed.xml") + ": 304 not modified"));
}

TEST_CASE("A deleted article is fetched again whatever the validators say",
          "[cli][http]") {
  TestServer server;
  serve_with_etag(server, "/feed.xml", rss("gone", 1));
  server.start();
  TempDir tmp;
  const fs::path archive = tmp / "archive";
  REQUIRE(
      run_feedmark({"fetch", server.url("/feed.xml"), "-a", archive.string()})
          .status == 0);
  // A user who empties a feed's folder wants it back, not a 304.
  for (const auto& e : fs::directory_iterator(archive)) {
    if (e.is_directory()) {
      fs::remove_all(e.path());
      fs::create_directory(e.path());
    }
  }
  const RunResult again =
      run_feedmark({"fetch", server.url("/feed.xml"), "-a", archive.string()});
  CHECK(again.status == 0);
  CHECK(lines_of(again.out).size() == 1);
  CHECK(header(server.requests().back(), "If-None-Match").empty());
}

TEST_CASE("Each failing feed is one line naming it, the others are archived",
          "[cli][http]") {
  TestServer server;
  serve(server, "/good.xml", rss("good", 2));
  server.routes().Get("/missing.xml", [](const auto&, httplib::Response& res) {
    res.status = 404;
  });
  server.routes().Get("/broken.xml", [](const auto&, httplib::Response& res) {
    res.status = 500;
  });
  serve(server, "/big.xml", rss("big", 200));
  serve(server, "/page.html",
        "<!DOCTYPE html><html><body><p>Not a feed</p></body></html>",
        "application/rss+xml");
  server.routes().Get("/cut.xml", [](const auto&, httplib::Response& res) {
    res.set_content_provider(
        4000, "application/rss+xml",
        [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
          const std::string part = rss("cut", 20).substr(0, 1000);
          return offset == 0 && sink.write(part.data(), part.size());
        });
  });
  server.start();
  TempDir tmp;
  const fs::path archive = tmp / "archive";
  const RunResult run = run_feedmark(
      {"fetch", server.url("/missing.xml"), server.url("/broken.xml"),
       server.url("/big.xml"), server.url("/page.html"), server.url("/cut.xml"),
       server.url("/good.xml"), "-a", archive.string(), "--retries", "1",
       "--max-size", "4000"});
  CHECK(run.status == 1);
  CHECK(lines_of(run.out).size() == 2);  // the good feed's articles
  const auto errors = lines_of(run.err);
  CHECK(errors.size() == 5);
  const std::map<std::string, std::string> causes = {
      {"/missing.xml", "HTTP 404 Not Found"},
      {"/broken.xml", "HTTP 500 Internal Server Error (after 2 attempts)"},
      {"/big.xml", "larger than --max-size (4000 bytes)"},
      {"/page.html", "not a feed"},
      {"/cut.xml", "truncated body: 1000 of 4000 bytes"}};
  for (const auto& [path, cause] : causes) {
    INFO(path);
    const std::string prefix = "feedmark: " + server.url(path) + ": ";
    CHECK(std::count_if(errors.begin(), errors.end(), [&](const auto& line) {
            return line.starts_with(prefix) && contains(line, cause);
          }) == 1);
  }
  CHECK(server.count("/broken.xml") == 2);
  // Nothing of a failed download reaches the archive.
  CHECK(markdown_files(archive).size() == 2 + 1 + 1);  // articles, 2 indexes
}

TEST_CASE("A feed served with a wrong Content-Type is still archived",
          "[cli][http]") {
  TestServer server;
  serve(server, "/html-type.xml", rss("html", 1), "text/html; charset=utf-8");
  serve(server, "/octets.xml", rss("octets", 1), "application/octet-stream");
  serve(server, "/plain.xml", rss("plain", 1), "text/plain");
  server.start();
  TempDir tmp;
  const RunResult run = run_feedmark(
      {"fetch", server.url("/html-type.xml"), server.url("/octets.xml"),
       server.url("/plain.xml"), "-a", (tmp / "archive").string()});
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  CHECK(lines_of(run.out).size() == 3);
}

TEST_CASE("429 and 503 with Retry-After skip the feed until then",
          "[cli][http]") {
  TestServer server;
  std::atomic<bool> busy{true};
  server.routes().Get("/busy.xml", [&](const auto&, httplib::Response& res) {
    if (busy) {
      res.status = 429;
      res.set_header("Retry-After", "3600");
      return;
    }
    res.set_content(rss("busy", 1), "application/rss+xml");
  });
  server.routes().Get("/maint.xml", [&](const auto&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "Wed, 30 Mar 2022 18:59:03 GMT");  // +3600
  });
  serve(server, "/calm.xml", rss("calm", 1));
  server.start();
  TempDir tmp;
  const std::string archive = (tmp / "archive").string();
  // calm.xml on another host name: a 429 holds the feeds queued for its
  // host (tests/fetch/http2_test.cpp), and this test is about one feed.
  const std::string calm =
      "http://localhost:" + std::to_string(server.port()) + "/calm.xml";
  const std::vector<std::string> args = {
      "fetch", server.url("/busy.xml"), server.url("/maint.xml"), calm, "-a",
      archive};

  const RunResult first = run_feedmark(args, {}, kEpoch);
  CHECK(first.status == 0);  // a server's "later" is not a failure
  CHECK(first.err.empty());
  CHECK(lines_of(first.out).size() == 1);
  CHECK(state_of(archive, server.url("/busy.xml"))["next_fetch"] ==
        1648663143 + 3600);
  CHECK(server.count("/maint.xml") == 1);  // not retried like a bare 503

  auto v = args;
  v.push_back("-v");
  const RunResult early =
      run_feedmark(v, {}, {{"SOURCE_DATE_EPOCH", "1648666000"}});
  CHECK(early.status == 0);
  CHECK(server.count("/busy.xml") == 1);  // no request before the time
  CHECK(server.count("/maint.xml") == 1);
  CHECK(server.count("/calm.xml") == 2);
  CHECK(contains(early.err, server.url("/busy.xml") +
                                ": skipped until 2022-03-30T18:59:03Z"));

  busy = false;
  auto once = args;
  once.insert(once.end(), {"--retries", "0"});
  const RunResult later =
      run_feedmark(once, {}, {{"SOURCE_DATE_EPOCH", "1648666744"}});
  CHECK(server.count("/busy.xml") == 2);
  CHECK(lines_of(later.out).size() == 1);
  // Its Retry-After date has passed: asked again, it means "now", so the
  // 503 is a failure like any other.
  CHECK(later.status == 1);
  CHECK(later.err == "feedmark: " + server.url("/maint.xml") +
                         ": HTTP 503 Service Unavailable\n");
  // The rebuilt indexes list only feeds with articles.
  CHECK(run_feedmark({"index", "-a", archive}).status == 0);
  const std::string root = read_text(tmp / "archive" / "index.md");
  CHECK(lines_of(root).size() == 3 + 2);
  CHECK(contains(root, "[busy]("));
  CHECK(contains(root, "[calm]("));
}

TEST_CASE("A feed deferred by Retry-After for a week is reported",
          "[cli][http]") {
  TestServer server;
  server.routes().Get("/busy.xml", [&](const auto&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "3600");
  });
  server.start();
  TempDir tmp;
  const std::vector<std::string> args = {"fetch", server.url("/busy.xml"), "-a",
                                         (tmp / "archive").string()};
  const auto at = [&](long long seconds) {
    return run_feedmark(args, {},
                        {{"SOURCE_DATE_EPOCH", std::to_string(seconds)}});
  };
  const long long start = 1648663143;
  CHECK(at(start).status == 0);
  const RunResult day6 = at(start + 6 * 86400);
  CHECK(day6.status == 0);
  CHECK(day6.err.empty());
  const std::string expected =
      "feedmark: " + server.url("/busy.xml") +
      ": no successful fetch for 7 days: the server has asked to retry "
      "later since 2022-03-30T17:59:03Z (Retry-After)\n";
  const RunResult day7 = at(start + 7 * 86400);  // asked again: 429
  CHECK(day7.status == 1);
  CHECK(day7.err == expected);
  const RunResult skipped = at(start + 7 * 86400 + 60);  // not even asked
  CHECK(skipped.status == 1);
  CHECK(skipped.err == expected);
  CHECK(server.count("/busy.xml") == 3);
}

TEST_CASE("A second run on the same archive exits 75 at once, or waits",
          "[cli][http][lock]") {
  TestServer server;
  std::atomic<bool> release{false};
  server.routes().Get("/slow.xml", [&](const auto&, httplib::Response& res) {
    while (!release) {
      std::this_thread::sleep_for(10ms);
    }
    res.set_content(rss("slow", 1), "application/rss+xml");
  });
  serve(server, "/other.xml", rss("other", 1));
  server.start();
  TempDir tmp;
  const std::string archive = (tmp / "archive").string();
  const int holder =
      spawn_feedmark({"fetch", server.url("/slow.xml"), "-a", archive});
  while (server.count("/slow.xml") == 0) {  // it locks before it downloads
    std::this_thread::sleep_for(10ms);
  }
  const auto start = std::chrono::steady_clock::now();
  const RunResult locked =
      run_feedmark({"fetch", server.url("/other.xml"), "-a", archive});
  CHECK(locked.status == 75);
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(locked.out.empty());
  CHECK(locked.err == "feedmark: " + archive +
                          ": locked by another feedmark run (use --wait to "
                          "wait)\n");
  CHECK(server.count("/other.xml") == 0);

  std::thread releaser([&] {
    std::this_thread::sleep_for(300ms);
    release = true;
  });
  const RunResult waited = run_feedmark(
      {"fetch", server.url("/other.xml"), "-a", archive, "--wait"});
  releaser.join();
  int raw = 0;
  ::waitpid(holder, &raw, 0);
  CHECK(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 0);
  CHECK(waited.status == 0);
  CHECK(lines_of(waited.out).size() == 1);
  CHECK(markdown_files(archive).size() == 2 + 2 + 1);
}

TEST_CASE("Feed lists read as plain text or OPML, with per-feed settings",
          "[cli][http][feedlist]") {
  TestServer server;
  for (const std::string name : {"a", "b", "c", "d"}) {
    serve(server, "/" + name + ".xml", rss(name, 1));
  }
  // Declares Latin-1 but sends GBK ("\xd0\xc2\xce\xc5" is 新闻), as some
  // Chinese sites do; the list's encoding= is what reads it right.
  serve(server, "/gbk.xml",
        "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\">"
        "<channel><title>g</title><item><title>\xd0\xc2\xce\xc5</title>"
        "<link>https://example.com/gbk/0</link></item></channel></rss>");
  serve(server, "/img.xml",
        "<rss version=\"2.0\"><channel><title>i</title><item><title>pic"
        "</title><link>https://example.com/img/0</link><description>&lt;p&gt;"
        "x&lt;img src=\"https://img.example/a.jpg\"&gt;&lt;/p&gt;"
        "</description></item></channel></rss>");
  server.start();
  TempDir tmp;
  write_text(
      tmp / "feeds.txt",
      fmt::format("# news\n{}\n\n{} tz=Asia/Shanghai user-agent=Custom "
                  "Agent/1.0  # Shanghai desk\n{} encoding=gbk\n"
                  "{} image-proxy=https://px.example/?u={{url_encoded}}\n",
                  server.url("/a.xml"), server.url("/b.xml"),
                  server.url("/gbk.xml"), server.url("/img.xml")));
  write_text(tmp / "feeds.opml",
             fmt::format("<?xml version=\"1.0\"?><opml version=\"2.0\"><body>"
                         "<outline text=\"News\"><outline text=\"A\" "
                         "xmlUrl=\"{}\"/><outline text=\"Deeper\">"
                         "<outline text=\"C\" xmlUrl=\"{}\"/></outline>"
                         "</outline></body></opml>",
                         server.url("/a.xml"), server.url("/c.xml")));
  const fs::path archive = tmp / "archive";
  const RunResult run = run_feedmark(
      {"fetch", server.url("/d.xml"), "--feeds", (tmp / "feeds.txt").string(),
       "--feeds", (tmp / "feeds.opml").string(), "-a", archive.string(),
       "--json"},
      {}, kEpoch);
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  CHECK(lines_of(run.out).size() == 6);
  CHECK(server.count("/a.xml") == 1);  // listed twice, fetched once
  for (const auto& seen : server.requests()) {
    CHECK(header(seen, "User-Agent") ==
          (seen.path == "/b.xml" ? "Custom Agent/1.0" : "feedmark/0.1.0"));
  }
  for (const std::string& line : lines_of(run.out)) {
    const auto record = nlohmann::json::parse(line);
    const std::string text = read_text(record["path"].get<std::string>());
    if (record["link"] == "https://example.com/gbk/0") {
      CHECK(record["title"] == "新闻");
      continue;
    }
    if (record["link"] == "https://example.com/img/0") {
      CHECK(record["image"] ==
            "https://px.example/?u=https%3A%2F%2Fimg.example%2Fa.jpg");
      continue;
    }
    // The item's date carries no zone: Shanghai for b, UTC for the rest.
    CHECK(contains(text, record["link"] == "https://example.com/b/0"
                             ? "Wed, 30 Mar 2022 15:30:00 GMT"
                             : "Wed, 30 Mar 2022 23:30:00 GMT"));
  }
}

TEST_CASE("Verbose runs report each feed and permanent moves", "[cli][http]") {
  TestServer server;
  serve(server, "/feed.xml", rss("v", 2));
  server.routes().Get("/old.xml", [&](const auto&, httplib::Response& res) {
    res.set_redirect(server.url("/feed.xml"), 301);
  });
  server.start();
  TempDir tmp;
  const RunResult run = run_feedmark({"fetch", server.url("/old.xml"), "-a",
                                      (tmp / "archive").string(), "-v"});
  CHECK(run.status == 0);
  const auto lines = lines_of(run.err);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "feedmark: " + server.url("/old.xml") +
                        ": moved permanently to " + server.url("/feed.xml") +
                        "; update the list");
  const std::string bytes = std::to_string(rss("v", 2).size());
  CHECK_THAT(
      lines[1],
      Catch::Matches("feedmark: " + server.url("/old.xml") +
                     ": 200, 2 items, 2 new, 0 updated, " + bytes +
                     " bytes, [0-9.]+ s, feed [0-9a-f]{16}, 2 extracted"));
}

TEST_CASE("The progress bar is drawn only where it is wanted", "[cli][http]") {
  TestServer server;
  serve(server, "/a.xml", rss("a", 1));
  serve(server, "/b.xml", rss("b", 2));
  server.start();
  TempDir tmp;
  const std::vector<std::string> args = {"fetch", server.url("/a.xml"),
                                         server.url("/b.xml"), "-a",
                                         (tmp / "archive").string()};
  SECTION("auto: stderr is a pipe here, as under cron") {
    auto auto_args = args;
    auto_args.push_back("--progress=auto");
    const RunResult run = run_feedmark(auto_args);
    CHECK(run.status == 0);
    CHECK(run.err.empty());
  }
  SECTION("always") {
    auto always = args;
    always.push_back("--progress=always");
    const RunResult run = run_feedmark(always);
    CHECK(run.status == 0);
    CHECK(lines_of(run.out).size() == 3);  // stdout stays clean
    CHECK(contains(run.err, "2/2 feeds, 3 articles written"));
    CHECK(run.err.ends_with("\r\x1b[K"));  // erased when done
  }
}

}  // namespace feedmark::test

namespace feedmark::test {

TEST_CASE("Proxies come from the usual environment variables", "[cli][http]") {
  // The "proxy" is a test server: a proxied request names the whole URL.
  TestServer proxy;
  proxy.routes().Get(R"(.*)", [](const auto&, httplib::Response& res) {
    res.set_content(rss("proxied", 1), "application/rss+xml");
  });
  proxy.start();
  TempDir tmp;
  // A label over 63 bytes cannot be resolved, nor even asked of a DNS
  // server, so a request that bypasses the proxy stays off the network.
  const std::string host = std::string(70, 'f') + ".invalid";
  const std::string url = "http://" + host + "/feed.xml";
  for (const std::string variable : {"http_proxy", "ALL_PROXY"}) {
    INFO(variable);
    const RunResult run =
        run_feedmark({"fetch", url, "-a", (tmp / variable).string()}, {},
                     {{variable, proxy.url("")}});
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(lines_of(run.out).size() == 1);
    REQUIRE_FALSE(proxy.requests().empty());
    CHECK(proxy.requests().back().path == url);
  }
  const RunResult bypassed =
      run_feedmark({"fetch", url, "-a", (tmp / "none").string()}, {},
                   {{"http_proxy", proxy.url("")}, {"no_proxy", host}});
  CHECK(bypassed.status == 1);
  CHECK(bypassed.err ==
        "feedmark: " + url + ": DNS: cannot resolve host " + host + "\n");
  CHECK(proxy.requests().size() == 2);
}

}  // namespace feedmark::test
