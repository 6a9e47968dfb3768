#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and fuzzes
# decode -> parse -> extract -> render for SECONDS (default 60), starting from
# a fresh copy of the seed corpus: the fixtures and fuzz/seeds/; then the
# sanitizer alone (its output is the tree a browser builds, and a fixed
# point) for half as long, from fuzz/seeds-html/. Exits
# non-zero on any crash, broken invariant, leak, timeout or memory blow-up;
# the input that caused it is left in build-fuzz/artifacts/.
#   scripts/fuzz.sh [SECONDS]
# FUZZ_FLAGS adds libFuzzer flags (FUZZ_FLAGS=-len_control=0 for long runs).
# Reproduce a crash: build-fuzz/fuzz/feedmark_fuzz_pipeline FILE
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${BUILD_DIR:-build-fuzz}
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFEEDMARK_FUZZ=ON -DFEEDMARK_TESTS=OFF -DFEEDMARK_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target feedmark_fuzz_pipeline \
  feedmark_fuzz_sanitize
fuzzer=$build/fuzz/feedmark_fuzz_pipeline

corpus=$build/corpus
artifacts=$build/artifacts
log=$build/fuzz.log
rm -rf "$corpus" "$artifacts"
mkdir -p "$corpus" "$artifacts"
# Fixtures end in a newline, which the target reads as "default settings".
find fixtures/feeds fixtures/golden fixtures/feedlists fuzz/seeds -type f \
  -exec cp -t "$corpus" {} +
seeds=$(find "$corpus" -type f | wc -l)

# Feeds are small (the fixtures are under 7 KiB); 32 KiB leaves room for deep
# nesting while keeping each run fast. One input taking 10 s is a hang.
# Markdown bodies that do not round-trip exactly are saved here, not fatal
# (FEEDMARK_FUZZ_STRICT=1 makes them fatal, for a run meant to find them).
reports=$build/reports
rm -rf "$reports"
mkdir -p "$reports"
export FEEDMARK_FUZZ_REPORTS=$reports
export ASAN_OPTIONS="allow_addr2line=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
echo "fuzz: $seconds s from $seeds seeds (log: $log)"
status=0
"$fuzzer" "$corpus" -dict=fuzz/feed.dict -max_len=32768 -timeout=10 \
  -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
files=$(find "$corpus" -type f | wc -l)
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log" >&2
  echo "fuzz: FAILED (exit $status) after ${runs:-?} executions;" \
    "reproducer: $(ls "$artifacts" | sed "s|^|$artifacts/|" | tr '\n' ' ')" >&2
  exit "$status"
fi
echo "fuzz: ${runs:-?} executions in $seconds s, corpus $seeds -> $files files," \
  "no crash, leak or timeout"
found=$(find "$reports" -type f | wc -l)
if [ "$found" -gt 0 ]; then
  echo "fuzz: $found input(s) whose Markdown body does not round-trip exactly" \
    "(fidelity, not safety): $reports/"
fi

# The sanitizer's own target: fragments, not feeds.
sanitize_seconds=$(( (seconds + 1) / 2 ))
corpus=$build/corpus-html
log=$build/fuzz-sanitize.log
rm -rf "$corpus"
mkdir -p "$corpus"
cp -t "$corpus" fuzz/seeds-html/*
echo "fuzz: the sanitizer, $sanitize_seconds s (log: $log)"
status=0
"$build/fuzz/feedmark_fuzz_sanitize" "$corpus" -dict=fuzz/feed.dict \
  -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -max_total_time="$sanitize_seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
if [ "$status" -ne 0 ]; then
  tail -n 60 "$log" >&2
  echo "fuzz: sanitizer FAILED (exit $status) after ${runs:-?} executions;" \
    "reproducer: $(ls "$artifacts" | sed "s|^|$artifacts/|" | tr '\n' ' ')" >&2
  exit "$status"
fi
echo "fuzz: sanitizer: ${runs:-?} executions in $sanitize_seconds s, no crash," \
  "no broken promise"
