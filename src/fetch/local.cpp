#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "feedmark/fetch/fetch.h"
#include "feedmark/util/memory.h"
#include "feedmark/util/url.h"

namespace feedmark {

Source classify_source(const std::string& text) {
  if (text == "-") {
    return {Source::Kind::kStdin, text};
  }
  if (is_http_url(text)) {
    return {Source::Kind::kUrl, text};
  }
  return {Source::Kind::kFile, text};
}

namespace {

// Reads at most `max_size` bytes; one more means the source is too large.
// Reads straight into the string, sized from `size_hint` (a regular file's
// size) so that a 36 MB feed is neither copied nor reallocated.
Result<std::string> read_bounded(int fd, const std::string& name,
                                 std::uint64_t max_size,
                                 std::size_t size_hint = 0) {
  std::string body;
  std::size_t used = 0;
  body.reserve(std::max<std::size_t>(size_hint + 1, 1 << 16));
  advise_huge_pages(body.data(), body.capacity());
  body.resize(std::max<std::size_t>(size_hint + 1, 1 << 16));
  for (;;) {
    if (used == body.size()) {
      body.resize(body.size() * 2);
    }
    const ssize_t n = ::read(fd, body.data() + used, body.size() - used);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail("fetch", name, std::strerror(errno));
    }
    if (n == 0) {
      body.resize(used);
      return body;
    }
    used += static_cast<std::size_t>(n);
    if (used > max_size) {
      return fail("fetch", name,
                  fmt::format("larger than --max-size ({} bytes)", max_size));
    }
  }
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) {
    return "a directory";
  }
  if (S_ISCHR(mode)) {
    return "a character device";
  }
  if (S_ISBLK(mode)) {
    return "a block device";
  }
  if (S_ISFIFO(mode)) {
    return "a FIFO";
  }
  if (S_ISSOCK(mode)) {
    return "a socket";
  }
  return "not a regular file";
}

// A feed list can name /dev/zero or a FIFO: opened without blocking and
// refused unless it is a regular file, so no source can stall or exhaust
// the run.
Result<std::string> read_regular_file(const std::string& path,
                                      std::uint64_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return fail("fetch", path, std::strerror(errno));
  }
  struct stat st {};
  Result<std::string> body;
  if (::fstat(fd, &st) != 0) {
    body = fail("fetch", path, std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    body = fail("fetch", path,
                fmt::format("not a regular file ({})", file_kind(st.st_mode)));
  } else if (static_cast<std::uint64_t>(st.st_size) > max_size) {
    body = fail("fetch", path,
                fmt::format("larger than --max-size ({} bytes)", max_size));
  } else {
    body =
        read_bounded(fd, path, max_size, static_cast<std::size_t>(st.st_size));
  }
  ::close(fd);
  return body;
}

}  // namespace

Result<Response> read_local_source(const Source& source,
                                   std::uint64_t max_size) {
  if (source.kind == Source::Kind::kUrl) {
    return fail("fetch", source.location, "not a local source");
  }
  Result<std::string> body = source.kind == Source::Kind::kStdin
                                 ? read_bounded(STDIN_FILENO, "stdin", max_size)
                                 : read_regular_file(source.location, max_size);
  if (!body) {
    return tl::unexpected(body.error());
  }
  Response response;
  response.body = std::move(*body);
  return response;
}

}  // namespace feedmark
