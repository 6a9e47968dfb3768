#include "feedmark/cli/streams.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace feedmark {

void Streams::report(const std::string& line) const {
  if (progress != nullptr) {
    progress->clear();
  }
  fmt::print(err, "feedmark: {}\n", line);
  if (progress != nullptr) {
    progress->draw();
  }
}

void Streams::report_error(const Error& error) const {
  report(describe(error));
}

bool flush_output(const Streams& streams) {
  errno = 0;
  if (std::fflush(streams.out) == 0 && !std::ferror(streams.out)) {
    return true;
  }
  streams.report(fmt::format("standard output: {}",
                             std::strerror(errno != 0 ? errno : EIO)));
  return false;
}

}  // namespace feedmark
