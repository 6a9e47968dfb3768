#pragma once

#include <cstdio>

#include "feedmark/cli/streams.h"

namespace feedmark {

/// Runs the command line; results go to `out`, diagnostics to `err`.
/// Returns the exit status.
int run_cli(int argc, const char* const* argv, std::FILE* out, std::FILE* err);

}  // namespace feedmark
