#include "feedmark/write/write.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "feedmark/extract/sanitize.h"
#include "feedmark/write/format.h"
#include "feedmark/write/markdown.h"

namespace feedmark {
namespace {

std::atomic<unsigned> temp_counter{0};

}  // namespace

std::string escape_markdown_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  append_markdown_escaped(out, text);
  return out;
}

std::string render_article(const Article& article, std::int64_t captured_ms) {
  static const FeedContext kNoFeed;
  return ArticleRenderer().render(article, kNoFeed, captured_ms);
}

// "[title](link)": the title ends at the first "](" whose "]" is not
// escaped; escape_markdown_text escapes every "]" of a title.
std::optional<std::string> link_text_of(std::string_view line) {
  if (!line.starts_with('[')) {
    return std::nullopt;
  }
  for (std::size_t i = 1; i + 1 < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == ']' && line[i + 1] == '(') {
      return std::string(line.substr(1, i - 1));
    }
  }
  return std::nullopt;
}

std::string_view line_at(std::string_view text, int index) {
  for (int i = 0; i < index; ++i) {
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos) {
      return {};
    }
    text.remove_prefix(newline + 1);
  }
  return text.substr(0, text.find('\n'));
}

std::string_view article_content(std::string_view rendered) {
  const auto newline = rendered.find('\n');
  return newline == std::string_view::npos ? std::string_view()
                                           : rendered.substr(newline + 1);
}

namespace {

long env_number(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? 0 : std::strtol(value, nullptr, 10);
}

/// The FEEDMARK_FAULT_* counters (see write.h); 0 when unset.
struct FaultSeams {
  long fail_write = env_number("FEEDMARK_FAULT_WRITE");
  /// "N-": the Nth write and every later one
  bool fail_after = std::string_view(std::getenv("FEEDMARK_FAULT_WRITE")
                                         ? std::getenv("FEEDMARK_FAULT_WRITE")
                                         : "")
                        .ends_with('-');
  long stop_after_commit = env_number("FEEDMARK_FAULT_STOP");
  std::atomic<long> writes{0};
  std::atomic<long> commits{0};
};

FaultSeams& fault_seams() {
  static FaultSeams seams;
  return seams;
}

bool injected_write_failure() {
  FaultSeams& seams = fault_seams();
  if (seams.fail_write <= 0) {
    return false;
  }
  const long n = ++seams.writes;
  return n == seams.fail_write || (seams.fail_after && n > seams.fail_write);
}

Result<void> write_all(int fd, std::string_view content) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail("write", "", std::strerror(n == 0 ? ENOSPC : errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

Result<StagedFile> StagedFile::write(const std::filesystem::path& path,
                                     std::string_view content,
                                     Durability durability) {
  if (injected_write_failure()) {
    return fail("write", path.string(), std::strerror(ENOSPC));
  }
  std::filesystem::path temp =
      path.parent_path() / fmt::format(".tmp-{}-{}-{}.part", ::getpid(),
                                       temp_counter++,
                                       path.filename().string());
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail("write", path.string(), std::strerror(errno));
  }
  StagedFile staged(path, std::move(temp));  // deletes the temp on failure
  Result<void> written = write_all(fd, content);
  if (written && durability == Durability::kSynced && ::fdatasync(fd) != 0) {
    written = fail("write", "", std::strerror(errno));
  }
  if (::close(fd) != 0 && written) {
    written = fail("write", "", std::strerror(errno));
  }
  if (!written) {
    return fail("write", path.string(), written.error().message);
  }
  return staged;
}

Result<void> StagedFile::commit() {
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return fail("write", path_.string(), std::strerror(errno));
  }
  temp_.clear();
  return {};
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)), temp_(std::exchange(other.temp_, {})) {}

StagedFile::~StagedFile() {
  if (!temp_.empty()) {
    ::unlink(temp_.c_str());
  }
}

Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::string_view content,
                                   Durability durability) {
  Result<StagedFile> staged = StagedFile::write(path, content, durability);
  if (!staged) {
    return tl::unexpected(staged.error());
  }
  return staged->commit();
}

Result<void> sync_file_system(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return fail("write", dir.string(), std::strerror(errno));
  }
  const int status = ::syncfs(fd);
  const int error = errno;
  ::close(fd);
  if (status != 0) {
    return fail("write", dir.string(), std::strerror(error));
  }
  return {};
}

void after_commit_for_tests() {
  FaultSeams& seams = fault_seams();
  if (seams.stop_after_commit > 0 &&
      ++seams.commits == seams.stop_after_commit) {
    ::raise(SIGSTOP);
  }
}

}  // namespace feedmark
