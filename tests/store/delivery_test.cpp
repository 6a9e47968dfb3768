// Never lose an article: every article file put in place is printed by the
// run that wrote it or by the next one, whatever stopped the first (a kill,
// a full disk, a failed write, a broken stdout), and what a run failed to
// write comes back although the server would answer 304.
#include "feedmark/store/delivery.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "http_server.h"
#include "test_support.h"

namespace feedmark::test {
namespace {

namespace fs = std::filesystem;

const std::map<std::string, std::string> kEpoch = {
    {"SOURCE_DATE_EPOCH", "1648663143"}};

bool is_complete_article(const std::string& text) {
  const auto lines = lines_of(text);
  return lines.size() == 5 && text.ends_with('\n') &&
         lines[0].starts_with("<!--") && lines[2] == "------" &&
         lines[3].empty();
}

/// The article files under `archive` (indexes left out), as full paths.
std::set<std::string> article_files(const fs::path& archive) {
  std::set<std::string> files;
  for (const std::string& rel : markdown_files(archive)) {
    if (fs::path(rel).filename().string().size() == 19) {  // <item-id>.md
      files.insert((archive / rel).string());
    }
  }
  return files;
}

/// The paths printed on `out`, one a line or one a NUL-ended record, or the
/// "path" of each JSON object.
std::vector<std::string> printed_paths(const std::string& out,
                                       bool json = false, char end = '\n') {
  std::vector<std::string> paths;
  std::size_t start = 0;
  for (std::size_t i = out.find(end); i != std::string::npos;
       start = i + 1, i = out.find(end, start)) {
    const std::string record = out.substr(start, i - start);
    paths.push_back(
        json ? nlohmann::json::parse(record)["path"].get<std::string>()
             : record);
  }
  CHECK(start == out.size());  // every record ended
  return paths;
}

std::set<std::string> as_set(const std::vector<std::string>& a,
                             const std::vector<std::string>& b = {}) {
  std::set<std::string> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  return all;
}

/// The archive is the reference archive, file for file and byte for byte.
void check_same_articles(const fs::path& archive, const fs::path& reference) {
  REQUIRE(markdown_files(archive) == markdown_files(reference));
  for (const std::string& rel : markdown_files(reference)) {
    INFO(rel);
    CHECK(read_text(archive / rel) == read_text(reference / rel));
  }
  for (const auto& e : fs::recursive_directory_iterator(archive)) {
    CHECK(!e.path().filename().string().starts_with(".tmp-"));
  }
}

/// A 5,000-item feed and the archive a clean run makes of it, built once per
/// test process: each SECTION runs its test case again, and under ASan one
/// run of this feed takes seconds.
struct BigReference {
  TempDir dir;
  fs::path feed = dir / "big.xml";
  fs::path archive = dir / "reference";
  BigReference() {
    write_text(feed, rss_feed(5000));
    REQUIRE(run_feedmark({"fetch", feed.string(), "-a", archive.string()}, {},
                         kEpoch)
                .status == 0);
    REQUIRE(article_files(archive).size() == 5000);
  }
};

/// A fresh folder for one test, with the shared feed and its reference.
struct BigFeed {
  TempDir tmp;
  fs::path feed;
  fs::path reference;
  BigFeed() {
    static const BigReference shared;
    feed = shared.feed;
    reference = shared.archive;
  }
};

}  // namespace

TEST_CASE(
    "A run killed while writing leaves whole files, and what it wrote is "
    "printed by the next run",
    "[cli][delivery][slow]") {
  BigFeed big;
  const fs::path archive = big.tmp / "archive";
  const fs::path first_out = big.tmp / "first.out";
  // The run stops itself right after its 1200th article is in place; the
  // test sees exactly that, then kills it.
  auto env = kEpoch;
  env["FEEDMARK_FAULT_STOP"] = "1200";
  const int pid = spawn_feedmark(
      {"fetch", big.feed.string(), "-a", archive.string()}, env, first_out);
  int raw = 0;
  REQUIRE(::waitpid(pid, &raw, WUNTRACED) == pid);
  REQUIRE(WIFSTOPPED(raw));
  const std::set<std::string> at_kill = article_files(archive);
  CHECK(at_kill.size() == 1200);
  ::kill(pid, SIGKILL);
  REQUIRE(::waitpid(pid, &raw, 0) == pid);
  REQUIRE(WIFSIGNALED(raw));
  for (const std::string& path : at_kill) {
    INFO(path);
    CHECK(is_complete_article(read_text(path)));
  }
  const auto first = printed_paths(read_text(first_out));

  SECTION("paths") {
    const auto rerun = run_feedmark(
        {"fetch", big.feed.string(), "-a", archive.string()}, {}, kEpoch);
    REQUIRE(rerun.status == 0);
    const auto second = printed_paths(rerun.out);
    CHECK(as_set(first, second) == article_files(archive));
    CHECK(second.size() == as_set(second).size());  // none printed twice
  }
  SECTION("JSON records ended by NUL") {
    const auto rerun = run_feedmark(
        {"fetch", big.feed.string(), "-a", archive.string(), "--json", "-0"},
        {}, kEpoch);
    REQUIRE(rerun.status == 0);
    CHECK(as_set(first, printed_paths(rerun.out, true, '\0')) ==
          article_files(archive));
  }
  check_same_articles(archive, big.reference);
  // Delivered once: a third run prints nothing.
  const auto third = run_feedmark(
      {"fetch", big.feed.string(), "-a", archive.string()}, {}, kEpoch);
  CHECK(third.status == 0);
  CHECK(third.out.empty());
}

TEST_CASE(
    "A full disk fails the feed but prints what was written, the next run "
    "writes and prints the rest",
    "[cli][delivery][slow]") {
  BigFeed big;
  const fs::path archive = big.tmp / "archive";
  std::vector<std::string> first;
  std::string first_err;
  SECTION("a full tmpfs") {
    const fs::path disk = big.tmp / "disk";
    fs::create_directory(disk);
    if (::geteuid() != 0 ||
        ::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=3m") != 0) {
      WARN("skipped: mounting a small tmpfs needs root");
      return;
    }
    const auto full = run_feedmark(
        {"fetch", big.feed.string(), "-a", (disk / "archive").string()}, {},
        kEpoch);
    CHECK(full.status == 1);
    first = printed_paths(full.out);
    first_err = full.err;
    // Freed space: the same archive, now on a disk with room.
    fs::copy(disk / "archive", archive, fs::copy_options::recursive);
    ::umount(disk.c_str());
    for (std::string& path : first) {
      path = (archive / fs::relative(path, disk / "archive")).string();
    }
  }
  SECTION("every write failing from the 800th on") {
    auto env = kEpoch;
    env["FEEDMARK_FAULT_WRITE"] = "800-";
    const auto full = run_feedmark(
        {"fetch", big.feed.string(), "-a", archive.string()}, {}, env);
    CHECK(full.status == 1);
    first = printed_paths(full.out);
    first_err = full.err;
    CHECK(first.size() == 799);
  }
  INFO(first_err);
  // The feed's line, and the root index's, which the full disk refused too.
  CHECK(first_err.starts_with("feedmark: " + big.feed.string() +
                              ": cannot write "));
  for (const std::string& line : lines_of(first_err)) {
    CHECK(line.ends_with(": No space left on device"));
  }
  CHECK(lines_of(first_err).size() <= 2);
  CHECK(!first.empty());
  CHECK(first.size() < 5000);
  CHECK(as_set(first) == article_files(archive));

  const auto rerun = run_feedmark(
      {"fetch", big.feed.string(), "-a", archive.string()}, {}, kEpoch);
  CHECK(rerun.status == 0);
  CHECK(rerun.err.empty());
  const auto second = printed_paths(rerun.out);
  CHECK(as_set(first, second) == article_files(archive));
  check_same_articles(archive, big.reference);
}

TEST_CASE(
    "A failed article write is written by the next run, its feed keeps the "
    "old validators",
    "[cli][delivery][http]") {
  TestServer server;
  serve_with_etag(server, "/feed.xml", rss_feed(4));
  server.start();
  TempDir tmp;
  const fs::path archive = tmp / "archive";
  const std::vector<std::string> args = {"fetch", server.url("/feed.xml"), "-a",
                                         archive.string()};
  auto env = kEpoch;
  env["FEEDMARK_FAULT_WRITE"] = "3";  // the third of four articles
  const auto failed = run_feedmark(args, {}, env);
  CHECK(failed.status == 1);
  CHECK(lines_of(failed.err).size() == 1);
  CHECK(failed.err.starts_with("feedmark: " + server.url("/feed.xml") + ": "));
  const auto first = printed_paths(failed.out);
  CHECK(first.size() == 3);
  CHECK(as_set(first) == article_files(archive));
  for (const auto& e : fs::directory_iterator(archive)) {
    if (fs::exists(e.path() / ".state.json")) {
      CHECK(nlohmann::json::parse(
                read_text(e.path() / ".state.json"))["etag"] == "");
    }
  }

  const auto again = run_feedmark(args, {}, kEpoch);
  CHECK(again.status == 0);
  CHECK(again.err.empty());
  const auto second = printed_paths(again.out);
  CHECK(second.size() == 1);
  CHECK(article_files(archive).size() == 4);
  CHECK(as_set(first, second) == article_files(archive));
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].headers.count("If-None-Match") == 0);

  // All four in place: now validators go out and a 304 writes nothing.
  const auto quiet = run_feedmark(args, {}, kEpoch);
  CHECK(quiet.status == 0);
  CHECK(quiet.out.empty());
  seen = server.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].headers.find("If-None-Match")->second == "\"v1\"");
}

TEST_CASE(
    "Deleted and emptied articles come back although the server would "
    "answer 304",
    "[cli][delivery][http]") {
  TestServer server;
  serve_with_etag(server, "/feed.xml", rss_feed(3));
  server.start();
  TempDir tmp;
  const fs::path archive = tmp / "archive";
  const std::vector<std::string> args = {"fetch", server.url("/feed.xml"), "-a",
                                         archive.string()};
  const auto first = run_feedmark(args, {}, kEpoch);
  REQUIRE(first.status == 0);
  const auto paths = printed_paths(first.out);
  REQUIRE(paths.size() == 3);
  const std::string deleted = read_text(paths[0]);
  const std::string emptied = read_text(paths[2]);

  SECTION("one deleted, one emptied as a power cut leaves it") {
    fs::remove(paths[0]);
    fs::resize_file(paths[2], 0);
  }
  SECTION("one cut short") {
    fs::resize_file(paths[2], emptied.size() / 2);
    fs::remove(paths[0]);
  }
  // A later run with its own clock: the files come back as they were,
  // capture times included.
  const auto again =
      run_feedmark(args, {}, {{"SOURCE_DATE_EPOCH", "1700000000"}});
  CHECK(again.status == 0);
  CHECK(again.err.empty());
  CHECK(as_set(printed_paths(again.out)) == as_set({paths[0], paths[2]}));
  CHECK(read_text(paths[0]) == deleted);
  CHECK(read_text(paths[2]) == emptied);
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].headers.count("If-None-Match") == 0);

  const auto quiet = run_feedmark(args, {}, kEpoch);
  CHECK(quiet.out.empty());
  seen = server.requests();
  REQUIRE(seen.size() == 3);
  CHECK(seen[2].headers.count("If-None-Match") == 1);
}

TEST_CASE(
    "Paths that could not reach stdout are an error, and the next run "
    "prints them",
    "[cli][delivery]") {
  TempDir tmp;
  const fs::path feed = tmp / "feed.xml";
  write_text(feed, rss_feed(3));
  const fs::path archive = tmp / "archive";
  const std::vector<std::string> args = {"fetch", feed.string(), "-a",
                                         archive.string()};
  const int pid = spawn_feedmark(args, kEpoch, "/dev/full");
  int raw = 0;
  REQUIRE(::waitpid(pid, &raw, 0) == pid);
  CHECK(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 1);
  REQUIRE(article_files(archive).size() == 3);

  const auto again = run_feedmark(args, {}, kEpoch);
  CHECK(again.status == 0);
  CHECK(as_set(printed_paths(again.out)) == article_files(archive));
  CHECK(run_feedmark(args, {}, kEpoch).out.empty());
}

TEST_CASE("The delivery journal skips a torn last line",
          "[archive][delivery]") {
  TempDir tmp;
  write_text(tmp / ".undelivered",
             "{\"path\":\"a.md\"}\n{\"path\":\"b.md\"}\n{\"path\":\"c.m");
  Result<DeliveryJournal> journal = DeliveryJournal::open(tmp.path());
  REQUIRE(journal);
  CHECK(journal->undelivered() ==
        std::vector<std::string>{"{\"path\":\"a.md\"}", "{\"path\":\"b.md\"}"});
  REQUIRE(journal->append("{\"path\":\"d.md\"}"));
  REQUIRE(journal->clear());
  CHECK(journal->undelivered().empty());
  CHECK(read_text(tmp / ".undelivered").empty());
}

}  // namespace feedmark::test
