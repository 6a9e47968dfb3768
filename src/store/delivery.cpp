#include "feedmark/store/delivery.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace feedmark {
namespace {

constexpr const char* kJournalFile = ".undelivered";

Result<std::string> read_all(int fd, const std::filesystem::path& path) {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail("write", path.string(), std::strerror(errno));
    }
    if (n == 0) {
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

// Every record is one JSON object on a line; a crash can tear only the last
// line, which then lacks its newline or its closing brace.
std::vector<std::string> complete_records(std::string_view text) {
  std::vector<std::string> records;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos) {
      break;  // torn: its file was never renamed into place
    }
    const std::string_view line = text.substr(0, newline);
    if (line.starts_with('{') && line.ends_with('}')) {
      records.emplace_back(line);
    }
    text.remove_prefix(newline + 1);
  }
  return records;
}

}  // namespace

Result<DeliveryJournal> DeliveryJournal::open(
    const std::filesystem::path& archive) {
  std::filesystem::path path = archive / kJournalFile;
  const int fd =
      ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail("write", path.string(), std::strerror(errno));
  }
  DeliveryJournal journal(fd, std::move(path));
  Result<std::string> text = read_all(fd, journal.path_);
  if (!text) {
    return tl::unexpected(text.error());
  }
  journal.undelivered_ = complete_records(*text);
  journal.holds_records_ = !text->empty();
  return journal;
}

Result<void> DeliveryJournal::append(std::string_view record) {
  std::string line(record);
  line += '\n';
  const std::lock_guard lock(mutex_);
  holds_records_ = true;  // even a failed write may leave part of the line
  // One write(2) of the whole line: a kill cannot split it, and O_APPEND
  // puts it after every earlier one.
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return fail("write", path_.string(),
                  std::strerror(n == 0 ? ENOSPC : errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<void> DeliveryJournal::clear() {
  const std::lock_guard lock(mutex_);
  if (!holds_records_) {
    return {};  // an empty journal keeps its mtime: a no-op run touches nothing
  }
  if (::ftruncate(fd_, 0) != 0) {
    return fail("write", path_.string(), std::strerror(errno));
  }
  undelivered_.clear();
  holds_records_ = false;
  return {};
}

DeliveryJournal::DeliveryJournal(DeliveryJournal&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      undelivered_(std::move(other.undelivered_)),
      holds_records_(other.holds_records_) {}

DeliveryJournal::~DeliveryJournal() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

}  // namespace feedmark
