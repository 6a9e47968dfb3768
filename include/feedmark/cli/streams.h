#pragma once

#include <cstdio>
#include <string>

#include "feedmark/cli/progress.h"
#include "feedmark/util/error.h"

namespace feedmark {

/// Exit statuses (SPEC "Streams and exit status").
inline constexpr int kExitOk = 0;
inline constexpr int kExitSourceFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocked = 75;

/// Where results and diagnostics go, and how much of the latter.
struct Streams {
  std::FILE* out;
  std::FILE* err;
  bool quiet = false;
  bool verbose = false;
  ProgressBar* progress = nullptr;  ///< erased around each diagnostic line

  /// Prints "feedmark: {line}" on stderr.
  void report(const std::string& line) const;
  void report_error(const Error& error) const;
};

/// Flushes stdout; a failure (a full disk, a closed pipe) is reported as
/// one line and returns false: the results did not all reach the reader.
bool flush_output(const Streams& streams);

}  // namespace feedmark
