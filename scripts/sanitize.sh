#!/usr/bin/env bash
# Builds everything with AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer (g++, libstdc++ assertions on) in build-asan/ and runs every
# test; the end-to-end tests run the sanitized feedmark binary. Any report
# fails. Unoptimized (Debug): -O1 compiles twice as slowly under ASan (the
# Catch2 and CLI11 headers), which costs more than the tests gain.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-asan}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DFEEDMARK_SANITIZE=ON \
  -DFEEDMARK_WERROR=ON
cmake --build "$build" -j"$(nproc)"
# abort_on_error: a report in a feedmark child process kills it with SIGABRT,
# which no test mistakes for an expected exit status 1.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="abort_on_error=1:halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
ctest --test-dir "$build" -j"$(nproc)" --output-on-failure
