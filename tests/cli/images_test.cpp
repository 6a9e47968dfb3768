// End-to-end tests of `fetch --save-images` (SPEC "Images", "Private
// networks"): the binary against a real server on 127.0.0.1 serving a feed
// and its images, checked on disk, on its streams and in the server's log.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "feedmark/util/sha256.h"
#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

// Small but whole images: the magic bytes, filler, and the end marker the
// truncation check looks for.
std::string png(std::size_t size = 200) {
  std::string head("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR", 16);
  const std::string end("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
  return head + std::string(size - head.size() - end.size(), 'p') + end;
}
std::string jpeg(std::size_t size = 200) {
  const std::string head("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11);
  return head + std::string(size - head.size() - 2, 'j') + "\xFF\xD9";
}
std::string gif(std::size_t size = 200) {
  return "GIF89a" + std::string(size - 7, 'g') + ";";
}
std::string webp(std::size_t size = 200) {
  std::string riff = "RIFF";
  const auto n = static_cast<std::uint32_t>(size - 8);
  for (int i = 0; i < 4; ++i) {
    riff += static_cast<char>((n >> (8 * i)) & 0xff);
  }
  riff += "WEBPVP8 ";
  return riff + std::string(size - riff.size(), 'w');
}

/// An RSS feed whose items show the given HTML, one item each.
std::string feed_of(const std::vector<std::string>& bodies) {
  std::string feed =
      "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Pics"
      "</title><link>https://news.example/</link>";
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    feed += fmt::format(
        "<item><title>Item {}</title><link>https://news.example/{}</link>"
        "<guid>item-{}</guid><pubDate>Wed, 30 Mar 2022 1{}:00:00 GMT"
        "</pubDate><description><![CDATA[{}]]></description></item>",
        i, i, i, i % 10, bodies[i]);
  }
  return feed + "</channel></rss>";
}

/// A server with a feed at /feed.xml and images at the paths given, each
/// labelled "image/jpeg" whatever it is: the bytes decide.
struct Site {
  TestServer server;
  std::map<std::string, std::string> images;
  std::string feed;

  void start() {
    server.routes().Get("/feed.xml",
                        [this](const auto&, httplib::Response& res) {
                          res.set_content(feed, "application/rss+xml");
                        });
    server.routes().Get(R"(/img/.*)", [this](const httplib::Request& req,
                                             httplib::Response& res) {
      const auto it = images.find(req.path);
      if (it == images.end()) {
        res.status = 404;
        res.set_content("<html><body>Not found</body></html>", "text/html");
        return;
      }
      res.set_content(it->second, "image/jpeg");
    });
    server.start();
  }
  std::string img(const std::string& name) const {
    return server.url("/img/" + name);
  }
  std::size_t image_requests() const {
    std::size_t n = 0;
    for (const auto& seen : server.requests()) {
      n += seen.path.starts_with("/img/");
    }
    return n;
  }
};

RunResult fetch(const Site& site, const fs::path& archive,
                std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"fetch",
                                   site.server.url("/feed.xml"),
                                   "-a",
                                   archive.string(),
                                   "--save-images",
                                   "--allow-private-networks",
                                   "--retries",
                                   "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_feedmark(args, {}, kEpoch);
}

/// The one feed folder of an archive.
fs::path feed_dir(const fs::path& archive) {
  for (const auto& e : fs::directory_iterator(archive)) {
    if (e.is_directory()) {
      return e.path();
    }
  }
  FAIL("no feed folder in " << archive);
  return {};
}

/// The names in a feed's media/ folder, sorted.
std::vector<std::string> media_of(const fs::path& archive) {
  std::vector<std::string> names;
  const fs::path media = feed_dir(archive) / "media";
  if (fs::exists(media)) {
    for (const auto& e : fs::directory_iterator(media)) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

/// "media/<16 hex of SHA-256 of the URL>.<ext>".
std::string media_name(const std::string& url, const std::string& ext) {
  return "media/" + short_hash(url) + "." + ext;
}

std::string article(const fs::path& archive, int item) {
  return read_text(feed_dir(archive) /
                   (short_hash("item-" + std::to_string(item)) + ".md"));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE(
    "Saved images keep the type their bytes show, and the article "
    "points at them",
    "[cli][http][images]") {
  Site site;
  site.images = {
      {"/img/a", png()},          {"/img/b.png", jpeg()},  // the name lies too
      {"/img/c", gif()},          {"/img/d", webp()},
      {"/img/small.jpg", jpeg()}, {"/img/large.jpg", jpeg(400)}};
  site.start();
  site.feed = feed_of(
      {fmt::format("<p>Lead</p><img src=\"{}\" alt=\"a\">", site.img("a")),
       fmt::format(
           "<p>x</p><img src=\"{}\"><img src=\"{}\"><video poster=\"{}\""
           " src=\"https://v.example/v.mp4\"></video>",
           site.img("b.png"), site.img("c"), site.img("d")),
       fmt::format(
           "<p>y</p><p><img src=\"{}\" srcset=\"{} 480w, {} 1080w\"></p>",
           site.img("small.jpg"), site.img("small.jpg"),
           site.img("large.jpg"))});
  TempDir tmp;
  const fs::path archive = tmp / "a";
  const RunResult run = fetch(site, archive, {"-v"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(lines_of(run.out).size() == 3);

  const std::string lead = media_name(site.img("a"), "png");
  CHECK(contains(article(archive, 0),
                 "<img src=\"" + lead + "\" width=\"100%\">"));
  const std::string second = article(archive, 1);
  CHECK(
      contains(second, "src=\"" + media_name(site.img("b.png"), "jpg") + "\""));
  CHECK(contains(second, "src=\"" + media_name(site.img("c"), "gif") + "\""));
  CHECK(
      contains(second, "poster=\"" + media_name(site.img("d"), "webp") + "\""));
  CHECK(contains(second, "src=\"https://v.example/v.mp4\""));
  // The largest srcset candidate is saved and shown; srcset goes.
  const std::string third = article(archive, 2);
  CHECK(contains(third, media_name(site.img("large.jpg"), "jpg")));
  CHECK_FALSE(contains(third, "srcset"));
  CHECK(site.server.count("/img/small.jpg") == 0);
  CHECK(site.server.count("/img/large.jpg") == 1);

  CHECK(media_of(archive).size() == 5);
  for (const auto& [path, bytes] : site.images) {
    if (path == "/img/small.jpg") {
      continue;
    }
    const std::string ext = path == "/img/a"   ? "png"
                            : path == "/img/c" ? "gif"
                            : path == "/img/d" ? "webp"
                                               : "jpg";
    CHECK(read_text(feed_dir(archive) /
                    media_name(site.img(path.substr(5)), ext)) == bytes);
  }
  CHECK(contains(run.err, "images: 5 saved, 0 already there, 0 failed"));

  // Referer is the article's link; the user agent is feedmark's.
  for (const auto& seen : site.server.requests()) {
    if (seen.path == "/img/a") {
      CHECK(seen.headers.find("Referer")->second == "https://news.example/0");
      CHECK(seen.headers.find("User-Agent")->second.starts_with("feedmark/"));
    }
  }

  SECTION("a rerun requests no image and rewrites nothing") {
    const std::size_t before = site.image_requests();
    const RunResult again = fetch(site, archive, {"-v"});
    CHECK(again.status == 0);
    CHECK(again.out.empty());
    CHECK(site.image_requests() == before);
  }
  SECTION("an edited item is rewritten from the images already there") {
    site.feed = feed_of(
        {fmt::format("<p>Lead, edited</p><img src=\"{}\">", site.img("a"))});
    const std::size_t before = site.image_requests();
    const RunResult again = fetch(site, archive, {"-v"});
    CHECK(again.status == 0);
    CHECK(lines_of(again.out).size() == 1);
    CHECK(contains(article(archive, 0), lead));
    CHECK(site.image_requests() == before);
    CHECK(contains(again.err, "images: 0 saved, 1 already there, 0 failed"));
  }
}

TEST_CASE(
    "What is not a whole image is refused and reported, the article "
    "keeps the URL",
    "[cli][http][images]") {
  Site site;
  site.images = {{"/img/page",
                  "<!DOCTYPE html><html><body>Hotlinking is "
                  "not allowed</body></html>"},
                 {"/img/logo",
                  "<?xml version=\"1.0\"?><svg xmlns=\"http://"
                  "www.w3.org/2000/svg\"><script>x</script></svg>"},
                 {"/img/empty", ""},
                 {"/img/cut", png(300).substr(0, 150)}};
  site.start();
  site.feed = feed_of({fmt::format(
      "<img src=\"{}\"><img src=\"{}\"><img "
      "src=\"{}\"><img src=\"{}\">",
      site.img("page"), site.img("logo"), site.img("empty"), site.img("cut"))});
  TempDir tmp;
  const RunResult run = fetch(site, tmp / "a", {"-v"});
  INFO(run.err);
  CHECK(run.status == 0);  // a missing picture fails no feed
  CHECK(media_of(tmp / "a").empty());
  const std::string text = article(tmp / "a", 0);
  CHECK(contains(text, "<img src=\"" + site.img("page") + "\""));
  CHECK(contains(run.err, "images: 0 saved, 0 already there, 4 failed"));
  CHECK(contains(run.err,
                 site.img("page") + ": an HTML or XML document, not an image"));
  CHECK(contains(run.err, site.img("logo") + ": an SVG image"));
  CHECK(contains(run.err, site.img("empty") + ": empty body"));
  CHECK(contains(run.err, site.img("cut") + ": truncated png"));
}

TEST_CASE(
    "A failed image is tried again on the next run, and the article "
    "rewritten when it arrives",
    "[cli][http][images]") {
  Site site;
  site.start();
  site.feed =
      feed_of({fmt::format("<p>a</p><img src=\"{}\">", site.img("late")),
               "<p>No picture</p>"});
  TempDir tmp;
  const fs::path archive = tmp / "a";
  RunResult run = fetch(site, archive, {"-v"});
  CHECK(run.status == 0);
  CHECK(lines_of(run.out).size() == 2);
  CHECK(contains(run.err, "/img/late: HTTP 404"));
  CHECK(contains(article(archive, 0), site.img("late")));
  CHECK(site.server.count("/img/late") == 1);

  run = fetch(site, archive);  // still missing: nothing to print
  CHECK(run.status == 0);
  CHECK(run.out.empty());
  CHECK(site.server.count("/img/late") == 2);

  site.images["/img/late"] = jpeg();
  run = fetch(site, archive);
  CHECK(run.status == 0);
  REQUIRE(lines_of(run.out).size() == 1);
  CHECK(contains(lines_of(run.out)[0], ".md"));
  CHECK(contains(article(archive, 0), media_name(site.img("late"), "jpg")));
  CHECK(site.server.count("/img/late") == 3);

  run = fetch(site, archive);  // saved: never asked for again
  CHECK(run.out.empty());
  CHECK(site.server.count("/img/late") == 3);
}

TEST_CASE("One image shown by two articles is downloaded once",
          "[cli][http][images]") {
  Site site;
  site.images = {{"/img/shared", png()}};
  site.start();
  site.feed =
      feed_of({fmt::format("<p>a</p><img src=\"{}\">", site.img("shared")),
               fmt::format("<p>b</p><img src=\"{}\">", site.img("shared"))});
  TempDir tmp;
  const RunResult run = fetch(site, tmp / "a", {"--json"});
  REQUIRE(run.status == 0);
  CHECK(site.server.count("/img/shared") == 1);
  const std::string local = media_name(site.img("shared"), "png");
  CHECK(contains(article(tmp / "a", 0), local));
  CHECK(contains(article(tmp / "a", 1), local));
  // --json lists each article's saved images.
  for (const std::string& line : lines_of(run.out)) {
    const auto record = nlohmann::json::parse(line);
    CHECK(record["images"] == nlohmann::json::array({local}));
  }
}

TEST_CASE("An image over --max-image-size is refused without reading it all",
          "[cli][http][images]") {
  Site site;
  std::atomic<std::size_t> sent{0};
  constexpr std::size_t kHuge = 64 << 20;
  site.server.routes().Get(
      "/img/huge", [&](const auto&, httplib::Response& res) {
        // Chunked, so no Content-Length warns feedmark beforehand.
        res.set_chunked_content_provider(
            "image/jpeg", [&](std::size_t offset, httplib::DataSink& sink) {
              std::string chunk =
                  offset == 0 ? jpeg(65536) : std::string(65536, 'x');
              sent += chunk.size();
              return offset < kHuge && sink.write(chunk.data(), chunk.size());
            });
      });
  site.start();
  site.feed = feed_of({fmt::format("<img src=\"{}\">", site.img("huge"))});
  TempDir tmp;
  const RunResult run =
      fetch(site, tmp / "a", {"-v", "--max-image-size", "100000"});
  CHECK(run.status == 0);
  CHECK(contains(run.err, "larger than --max-image-size (100000 bytes)"));
  CHECK(sent < kHuge / 4);
  CHECK(media_of(tmp / "a").empty());
}

TEST_CASE("An image redirected to another scheme is refused",
          "[cli][http][images]") {
  Site site;
  site.server.routes().Get("/img/moved",
                           [](const auto&, httplib::Response& res) {
                             res.set_redirect("file:///etc/passwd");
                           });
  site.start();
  site.feed = feed_of({fmt::format("<img src=\"{}\">", site.img("moved"))});
  TempDir tmp;
  const RunResult run = fetch(site, tmp / "a", {"-v"});
  CHECK(run.status == 0);
  CHECK(contains(run.err, "redirect to file:///etc/passwd refused"));
  CHECK(media_of(tmp / "a").empty());
}

TEST_CASE(
    "Without --allow-private-networks, images on private addresses "
    "are refused",
    "[cli][http][images]") {
  Site site;
  site.images = {{"/img/a", png()}};
  const int port = [&] {
    site.feed = "";
    site.start();
    return std::stoi(site.server.url("").substr(17));
  }();
  // The feed itself is the user's choice, on loopback or not.
  site.feed =
      feed_of({fmt::format("<img src=\"{}\">", site.img("a")),
               fmt::format("<img src=\"http://localhost:{}/img/a\">", port)});
  TempDir tmp;
  const RunResult run =
      run_feedmark({"fetch", site.server.url("/feed.xml"), "-a",
                    (tmp / "a").string(), "--save-images", "-v"},
                   {}, kEpoch);
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(lines_of(run.out).size() == 2);
  CHECK(site.image_requests() == 0);
  CHECK(media_of(tmp / "a").empty());
  CHECK(contains(run.err, "images: 0 saved, 0 already there, 2 failed"));
  CHECK(contains(run.err, site.img("a") + ": refused: 127.0.0.1 is a private "
                                          "address (--allow-private-networks "
                                          "allows it)"));
  // A name is checked on the address it resolves to.
  CHECK(contains(run.err, "localhost is at the private address"));

  SECTION("even on the connection the feed came by") {
    const std::string local = fmt::format("http://localhost:{}", port);
    site.feed = feed_of({fmt::format("<img src=\"{}/img/a\">", local),
                         fmt::format("<img src=\"{}/img/b\">", local)});
    const RunResult same_host =
        run_feedmark({"fetch", local + "/feed.xml", "-a", (tmp / "b").string(),
                      "--save-images", "-v"},
                     {}, kEpoch);
    INFO(same_host.err);
    CHECK(same_host.status == 0);
    CHECK(site.image_requests() == 0);
    CHECK(media_of(tmp / "b").empty());
    CHECK(contains(same_host.err, "0 saved, 0 already there, 2 failed"));
  }
}

TEST_CASE("A dry run downloads no image", "[cli][http][images]") {
  Site site;
  site.images = {{"/img/a", png()}};
  site.start();
  site.feed = feed_of({fmt::format("<img src=\"{}\">", site.img("a"))});
  TempDir tmp;
  const RunResult run = fetch(site, tmp / "a", {"--dry-run"});
  CHECK(run.status == 0);
  CHECK(lines_of(run.out).size() == 1);
  CHECK(site.image_requests() == 0);
  CHECK_FALSE(fs::exists(tmp / "a"));
}

TEST_CASE("The feed list's save-images= beats the flag",
          "[cli][http][images]") {
  Site site;
  site.images = {{"/img/a", png()}};
  site.start();
  site.feed = feed_of({fmt::format("<img src=\"{}\">", site.img("a"))});
  TempDir tmp;
  write_text(tmp / "feeds.txt",
             site.server.url("/feed.xml") + " save-images=no\n");
  RunResult run = run_feedmark(
      {"fetch", "--feeds", (tmp / "feeds.txt").string(), "-a",
       (tmp / "a").string(), "--save-images", "--allow-private-networks"},
      {}, kEpoch);
  CHECK(run.status == 0);
  CHECK(site.image_requests() == 0);
  write_text(tmp / "feeds.txt",
             site.server.url("/feed.xml") + " save-images=yes\n");
  run = run_feedmark({"fetch", "--feeds", (tmp / "feeds.txt").string(), "-a",
                      (tmp / "a").string(), "--allow-private-networks"},
                     {}, kEpoch);
  CHECK(run.status == 0);
  CHECK(site.image_requests() == 1);
  // Turning saving on rewrote the article with the local copy.
  CHECK(lines_of(run.out).size() == 1);
  CHECK(contains(article(tmp / "a", 0), media_name(site.img("a"), "png")));
}

TEST_CASE("A run killed while an image downloads leaves no partial image",
          "[cli][http][images]") {
  Site site;
  std::atomic<bool> release{false};
  site.server.routes().Get(
      "/img/slow", [&](const auto&, httplib::Response& res) {
        res.set_chunked_content_provider(
            "image/png", [&](std::size_t offset, httplib::DataSink& sink) {
              if (offset == 0) {
                const std::string half = png(4096).substr(0, 2048);
                return sink.write(half.data(), half.size());
              }
              while (!release) {
                std::this_thread::sleep_for(10ms);
              }
              return false;
            });
      });
  site.start();
  site.feed = feed_of({fmt::format("<img src=\"{}\">", site.img("slow"))});
  TempDir tmp;
  const fs::path archive = tmp / "a";
  const int pid = spawn_feedmark(
      {"fetch", site.server.url("/feed.xml"), "-a", archive.string(),
       "--save-images", "--allow-private-networks"},
      kEpoch);
  // Killed once the image's first half is in its temporary file.
  const auto temporary_written = [&] {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(archive, ec)) {
      if (e.path().parent_path().filename() == "media" &&
          e.path().filename().string().starts_with(".tmp-") &&
          e.file_size(ec) > 0) {
        return true;
      }
    }
    return false;
  };
  for (int i = 0; i < 1000 && !temporary_written(); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  release = true;
  // What is in media/ is that temporary, never an image under its name.
  const std::vector<std::string> left = media_of(archive);
  REQUIRE(left.size() == 1);
  CHECK(left[0].starts_with(".tmp-"));
  site.images["/img/slow2"] = png();
  site.feed = feed_of({fmt::format("<img src=\"{}\">", site.img("slow2"))});
  const RunResult next = fetch(site, archive);
  CHECK(next.status == 0);
  // The next run cleaned the temporaries up and saved what it could.
  CHECK(
      media_of(archive) ==
      std::vector<std::string>{media_name(site.img("slow2"), "png").substr(6)});
}

TEST_CASE(
    "Behind a proxy on loopback, images still come through it, and a "
    "private address in a URL is still refused",
    "[cli][http][images]") {
  // The "proxy" is a test server: a proxied request names the whole URL.
  const std::string host = std::string(70, 'f') + ".invalid";
  TestServer proxy;
  proxy.routes().Get(R"(.*)", [&](const httplib::Request& req,
                                  httplib::Response& res) {
    if (req.path.ends_with("/feed.xml")) {
      res.set_content(feed_of({fmt::format("<img src=\"http://{}/img/a\"><img "
                                           "src=\"http://10.0.0.1/img/b\">",
                                           host)}),
                      "application/rss+xml");
    } else {
      res.set_content(png(), "image/png");
    }
  });
  proxy.start();
  TempDir tmp;
  const RunResult run = run_feedmark(
      {"fetch", "http://" + host + "/feed.xml", "-a", (tmp / "a").string(),
       "--save-images", "-v"},
      {}, {{"http_proxy", proxy.url("")}, {"SOURCE_DATE_EPOCH", "1648663143"}});
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(media_of(tmp / "a") ==
        std::vector<std::string>{
            media_name("http://" + host + "/img/a", "png").substr(6)});
  CHECK(contains(run.err,
                 "http://10.0.0.1/img/b: refused: 10.0.0.1 is a "
                 "private address"));
  CHECK(proxy.count("http://10.0.0.1/img/b") == 0);
}

}  // namespace feedmark::test
