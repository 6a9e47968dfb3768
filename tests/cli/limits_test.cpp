// No input can stall, exhaust or silence a run: hostile feeds, sources that
// are not files, failing output, unreadable folders, stale temporaries, -q.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// An RSS feed of one item whose description is `html` (as CDATA), padded
/// by repeating `unit` to about `bytes`.
void write_hostile_feed(const fs::path& path, const std::string& prefix,
                        const std::string& unit, std::size_t bytes) {
  std::string html = prefix;
  html.reserve(bytes + unit.size());
  while (html.size() < bytes) {
    html += unit;
  }
  write_text(path,
             "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>h"
             "</title><link>https://e.example/</link><item><title>a</title>"
             "<link>https://e.example/a</link><description><![CDATA[" +
                 html + "]]></description></item></channel></rss>");
}

/// A feed of two items written to `tmp`/feed.xml and archived in
/// `tmp`/a; returns the archive.
fs::path archived_feed(const TempDir& tmp) {
  write_text(tmp / "feed.xml", rss_feed(2));
  const fs::path archive = tmp / "a";
  REQUIRE(run_feedmark(
              {"fetch", (tmp / "feed.xml").string(), "-a", archive.string()},
              {}, kEpoch)
              .status == 0);
  return archive;
}

std::uintmax_t largest_article(const fs::path& archive) {
  std::uintmax_t largest = 0;
  for (const std::string& rel : markdown_files(archive)) {
    if (fs::path(rel).filename() != "index.md") {
      largest = std::max(largest, fs::file_size(archive / rel));
    }
  }
  return largest;
}

}  // namespace

TEST_CASE("A 32 MB hostile feed is archived in bounded memory and output",
          "[cli][robustness][slow]") {
  TempDir tmp;
  const fs::path feed = tmp / "hostile.xml";
  constexpr std::size_t kBytes = 32u << 20;
  SECTION("tags with thousands of attributes") {
    std::string tag = "<p";
    for (int i = 0; i < 3000; ++i) {
      tag += fmt::format(" data-a{}=\"x\"", i);
    }
    write_hostile_feed(feed, "", tag + ">t</p>", kBytes - 100000);
  }
  SECTION("formatting elements left open, then many blocks") {
    std::string open = "<p>";
    for (int i = 0; i < 1000; ++i) {
      open += fmt::format("<b class=\"c{}\">", i);
    }
    write_hostile_feed(feed, open, "<p>x", kBytes - 100000);
  }
  const auto run = run_feedmark(
      {"fetch", feed.string(), "-a", (tmp / "a").string()}, {}, kEpoch);
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(run.err.empty());
  INFO("peak " << run.peak_kib << " KiB");
  CHECK(run.peak_kib < kMemoryFactor * 1024 * 1024);
  CHECK(largest_article(tmp / "a") < kBytes / 2);
}

TEST_CASE(
    "Sources that are not regular files fail one by one, the good feed is "
    "archived",
    "[cli][robustness]") {
  TempDir tmp;
  write_text(tmp / "good.xml", rss_feed(3));
  REQUIRE(::mkfifo((tmp / "fifo").c_str(), 0644) == 0);
  fs::create_directory(tmp / "folder");
  write_text(tmp / "big.xml", rss_feed(3000));  // ~1 MB
  write_text(tmp / "feeds.txt",
             fmt::format("/dev/zero\n{}\n{}\n{}\n{}\n", (tmp / "fifo").string(),
                         (tmp / "folder").string(), (tmp / "big.xml").string(),
                         (tmp / "good.xml").string()));
  write_text(tmp / "feeds.opml",
             "<opml version=\"2.0\"><body><outline xmlUrl=\"/dev/urandom\"/>"
             "</body></opml>");
  const auto run =
      run_feedmark({"fetch", "--feeds", (tmp / "feeds.txt").string(), "--feeds",
                    (tmp / "feeds.opml").string(), "-a", (tmp / "a").string(),
                    "--max-size", "500000"},
                   {}, kEpoch);
  CHECK(run.status == 1);
  CHECK(lines_of(run.out).size() == 3);  // the good feed's articles
  CHECK(lines_of(run.err) ==
        std::vector<std::string>{
            "feedmark: /dev/zero: not a regular file (a character device)",
            "feedmark: " + (tmp / "fifo").string() +
                ": not a regular file (a FIFO)",
            "feedmark: " + (tmp / "folder").string() +
                ": not a regular file (a directory)",
            "feedmark: " + (tmp / "big.xml").string() +
                ": larger than --max-size (500000 bytes)",
            "feedmark: /dev/urandom: not a regular file (a character "
            "device)"});
  INFO("peak " << run.peak_kib << " KiB");
  CHECK(run.peak_kib < kMemoryFactor * 100 * 1024);
  SECTION("stdin stays a source, within --max-size too") {
    const auto piped = run_feedmark(
        {"fetch", "-", "-a", (tmp / "b").string(), "--max-size", "500000"},
        read_text(tmp / "big.xml"), kEpoch);
    CHECK(piped.status == 1);
    CHECK(piped.err ==
          "feedmark: stdin: larger than --max-size (500000 bytes)\n");
    CHECK(run_feedmark({"fetch", "-", "-a", (tmp / "b").string()},
                       read_text(tmp / "good.xml"), kEpoch)
              .status == 0);
  }
}

TEST_CASE("A quiet run (-q) leaves only errors on stderr, even with -v",
          "[cli]") {
  TempDir tmp;
  // A bare ampersand: repaired, with a warning under -v.
  write_text(tmp / "warn.xml",
             "<rss version=\"2.0\"><channel><title>A & B</title><item><title>t"
             "</title><link>https://e.example/1</link></item></channel></rss>");
  const std::vector<std::string> args = {"fetch", (tmp / "warn.xml").string(),
                                         (tmp / "missing.xml").string(), "-a",
                                         (tmp / "a").string()};
  auto verbose = args;
  verbose.push_back("-v");
  const auto loud = run_feedmark(verbose, {}, kEpoch);
  CHECK(contains(loud.err, "warning"));
  CHECK(lines_of(loud.err).size() > 2);
  auto quiet = verbose;
  quiet.push_back("-q");
  const auto hushed = run_feedmark(quiet, {}, kEpoch);
  CHECK(hushed.status == 1);
  CHECK(hushed.err == "feedmark: " + (tmp / "missing.xml").string() +
                          ": No such file or directory\n");
}

TEST_CASE("Output that cannot be written is an error", "[cli]") {
  TempDir tmp;
  write_text(tmp / "feed.xml", rss_feed(2));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"parse", (tmp / "feed.xml").string()},
        std::vector<std::string>{"fetch", (tmp / "feed.xml").string(), "-a",
                                 (tmp / "a").string()}}) {
    INFO(args[0]);
    const int pid = spawn_feedmark(args, kEpoch, "/dev/full");
    int raw = 0;
    REQUIRE(::waitpid(pid, &raw, 0) == pid);
    CHECK(WIFEXITED(raw));
    CHECK(WEXITSTATUS(raw) == 1);
  }
}

TEST_CASE("A feed folder that cannot be read fails the run, not the index",
          "[cli][archive]") {
  TempDir tmp;
  const fs::path archive = archived_feed(tmp);
  const std::string root = read_text(archive / "index.md");
  // A folder name of a feed that loops on itself: reading it fails (ELOOP)
  // even for root, as a folder without permission fails for a user.
  fs::create_symlink("0123456789abcdef", archive / "0123456789abcdef");
  const auto fetch = run_feedmark(
      {"fetch", (tmp / "feed.xml").string(), "-a", archive.string()}, {},
      kEpoch);
  CHECK(fetch.status == 1);
  CHECK(lines_of(fetch.err).size() == 1);
  CHECK(contains(fetch.err, "0123456789abcdef"));
  CHECK(read_text(archive / "index.md") == root);  // not rewritten without it
  const auto index = run_feedmark({"index", "-a", archive.string()});
  CHECK(index.status == 1);
  CHECK(read_text(archive / "index.md") == root);
}

TEST_CASE(
    "Temporary files are removed under the lock, whatever process left them",
    "[cli][archive]") {
  TempDir tmp;
  const fs::path archive = archived_feed(tmp);
  fs::path feed_dir;
  for (const auto& e : fs::directory_iterator(archive)) {
    if (e.is_directory()) {
      feed_dir = e.path();
    }
  }
  // In a container every run is PID 1, alive: the name tells nothing.
  const std::string alive = std::to_string(::getpid());
  write_text(archive / (".tmp-" + alive + "-0-index.md.part"), "partial");
  write_text(feed_dir / (".tmp-1-7-0123456789abcdef.md.part"), "partial");
  fs::create_directories(feed_dir / "index");
  write_text(feed_dir / "index" / ".tmp-1-8-2022-03.md.part", "partial");
  // What a run that died leaves: the next one then looks in every folder.
  write_text(archive / ".running", "");
  const auto run = run_feedmark(
      {"fetch", (tmp / "feed.xml").string(), "-a", archive.string()}, {},
      kEpoch);
  CHECK(run.status == 0);
  for (const auto& e : fs::recursive_directory_iterator(archive)) {
    CHECK_FALSE(e.path().filename().string().starts_with(".tmp-"));
  }
  CHECK_FALSE(fs::exists(archive / ".running"));
}

}  // namespace feedmark::test
