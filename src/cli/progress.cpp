#include "feedmark/cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace feedmark {
namespace {

constexpr std::size_t kBarWidth = 24;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

}  // namespace

bool progress_wanted(ProgressMode mode, std::FILE* stream) {
  if (mode != ProgressMode::kAuto) {
    return mode == ProgressMode::kAlways;
  }
  const char* term = std::getenv("TERM");
  return ::isatty(::fileno(stream)) == 1 && term != nullptr &&
         std::strcmp(term, "dumb") != 0;
}

ProgressBar::ProgressBar(std::FILE* stream, bool enabled, std::size_t total)
    : stream_(stream), enabled_(enabled && total > 0), total_(total) {}

std::string ProgressBar::render() const {
  const std::size_t filled = total_ ? kBarWidth * done_ / total_ : kBarWidth;
  std::string line = fmt::format(
      "[{:#<{}}{:.<{}}] {}/{} feeds, {} article{} written", "", filled, "",
      kBarWidth - filled, done_, total_, written_, written_ == 1 ? "" : "s");
  if (failed_ > 0) {
    line += fmt::format(", {} failed", failed_);
  }
  return line;
}

void ProgressBar::feed_done(std::size_t articles_written, bool failed) {
  ++done_;
  written_ += articles_written;
  failed_ += failed ? 1 : 0;
  const auto now = std::chrono::steady_clock::now();
  if (enabled_ && (done_ == total_ || now - last_draw_ >= kRedrawInterval)) {
    last_draw_ = now;
    draw();
  }
}

void ProgressBar::draw() {
  if (enabled_) {
    fmt::print(stream_, "\r\x1b[K{}", render());  // CR, erase line, redraw
    std::fflush(stream_);
    shown_ = true;
  }
}

void ProgressBar::clear() {
  if (shown_) {
    fmt::print(stream_, "\r\x1b[K");
    std::fflush(stream_);
    shown_ = false;
  }
}

void ProgressBar::finish() {
  clear();
  enabled_ = false;
}

}  // namespace feedmark
