#include "feedmark/store/archive.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "store/archive_files.h"
#include "feedmark/util/sha256.h"
#include "feedmark/write/format.h"
#include "feedmark/write/write.h"

namespace feedmark {

namespace fs = std::filesystem;

std::optional<std::string> read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

bool is_hex16(std::string_view name) {
  return name.size() == 16 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

namespace {

// The beginning of a file up to what read_article_head_of needs: the
// front matter, or a seed file's first lines and the date on its fifth,
// in the first 2 KiB unless its title is longer. Plain read(2): `feedmark
// index` reads 100,000 of these, and an ifstream costs more than the read.
std::optional<std::string> read_head(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::string text;
  constexpr std::size_t kChunk = 2048;
  for (;;) {
    const std::size_t old_size = text.size();
    text.resize(old_size + kChunk);
    const ssize_t n = ::read(fd, text.data() + old_size, kChunk);
    text.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n <= 0 || has_complete_head(text)) {
      break;
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

std::string article_id_of(const fs::path& file) {
  const std::string name = file.filename().string();
  if (name.size() == 19 && name.ends_with(".md") &&
      is_hex16(name.substr(0, 16))) {
    return name.substr(0, 16);
  }
  return {};
}

std::string feed_id(const std::string& feed_key) {
  return short_hash(feed_key);
}

std::optional<ArticleEntry> article_entry_of(std::string_view text) {
  std::optional<ArticleHead> head = read_article_head_of(text);
  if (!head) {
    return std::nullopt;
  }
  ArticleEntry entry;
  entry.title_md = std::move(head->title_md);
  entry.published = head->published;
  entry.captured_ms = head->captured_ms;
  return entry;
}

std::optional<ArticleEntry> read_article_head(const fs::path& file) {
  const std::optional<std::string> text = read_head(file);
  return text ? article_entry_of(*text) : std::nullopt;
}

Result<void> write_if_changed(const fs::path& path, const std::string& content,
                              bool synced) {
  if (read_whole_file(path) == content) {
    return {};
  }
  return write_file_atomically(
      path, content, synced ? Durability::kSynced : Durability::kCached);
}

namespace {
constexpr const char* kRunningFile = ".running";
}  // namespace

Result<ArchiveLock> ArchiveLock::acquire(const fs::path& archive, bool wait) {
  const fs::path path = archive / ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail("config", path.string(), std::strerror(errno));
  }
  int status = 0;
  do {
    status = ::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
  } while (status != 0 && errno == EINTR);
  if (status != 0) {
    const int error = errno;
    ::close(fd);
    return error == EWOULDBLOCK
               ? fail("lock", archive.string(),
                      "locked by another feedmark run (use --wait to wait)")
               : fail("config", path.string(), std::strerror(error));
  }
  std::error_code ec;
  const bool unfinished = fs::exists(archive / kRunningFile, ec);
  return ArchiveLock(fd, archive, unfinished);
}

ArchiveLock::ArchiveLock(ArchiveLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      archive_(std::move(other.archive_)),
      previous_unfinished_(other.previous_unfinished_) {}

ArchiveLock::~ArchiveLock() {
  if (fd_ >= 0) {
    ::close(fd_);  // releases the lock
  }
}

// A file of its own, not the lock's content: a run that finishes leaves no
// file changed, as a git mirror of the archive would show.
void ArchiveLock::mark_running() {
  const int fd = ::open((archive_ / kRunningFile).c_str(),
                        O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::close(fd);
  }
}

void ArchiveLock::mark_finished() {
  std::error_code ec;
  fs::remove(archive_ / kRunningFile, ec);
}

void remove_stale_temporaries_everywhere(const fs::path& archive) {
  remove_stale_temporaries(archive);
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(archive, ec)) {
    if (is_hex16(e.path().filename().string())) {
      remove_stale_temporaries(e.path());
      remove_stale_temporaries(e.path() / "index");
      remove_stale_temporaries(e.path() / ".months");
      remove_stale_temporaries(e.path() / "media");
      remove_stale_temporaries(e.path() / ".pages");
    }
  }
}

void remove_stale_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string().starts_with(".tmp-")) {
      fs::remove(e.path(), ec);
    }
  }
}

}  // namespace feedmark
