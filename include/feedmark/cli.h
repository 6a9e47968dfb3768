#pragma once

#include <cstdio>

namespace feedmark {

/// Exit statuses (SPEC "Streams and exit status").
inline constexpr int kExitOk = 0;
inline constexpr int kExitSourceFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocked = 75;

/// Runs the command line; results go to `out`, diagnostics to `err`.
/// Returns the exit status.
int run_cli(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace feedmark
