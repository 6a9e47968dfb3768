#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace feedmark {

/// When to draw the progress bar (`--progress`).
enum class ProgressMode { kAuto, kAlways, kNever };

/// True if a bar should be drawn on `stream`: always, never, or (auto) only
/// when it is a terminal that can move its cursor, so never under cron or in
/// a pipe.
bool progress_wanted(ProgressMode mode, std::FILE* stream);

/// A one-line progress bar redrawn in place on stderr.
class ProgressBar {
 public:
  ProgressBar(std::FILE* stream, bool enabled, std::size_t total);
  /// Counts one finished feed and redraws (at most ten times a second).
  void feed_done(std::size_t articles_written, bool failed);
  /// Erases the bar, so a diagnostic line can be printed in its place.
  void clear();
  /// Draws the bar again after clear().
  void draw();
  /// Erases the bar for good.
  void finish();

 private:
  std::string render() const;

  std::FILE* stream_;
  bool enabled_;
  bool shown_ = false;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t written_ = 0;
  std::size_t failed_ = 0;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace feedmark
