#!/usr/bin/env bash
# Benchmarks feedmark on a large generated RSS feed (bench/gen_feed.py).
#
#   bench/bench.sh [PATH/TO/feedmark] [ITEMS]
#   bench/bench.sh                          # build/feedmark, 5000 items (~36 MB)
#   bench/bench.sh build/feedmark 20000
#
# Measures whole-process wall time, best of 3 runs, for:
#   parse FEED                        (parse + extract, JSON Lines to /dev/null)
#   fetch FEED -a EMPTY_ARCHIVE       (a fresh archive for every run)
#   fetch FEED -a FULL_ARCHIVE        (re-run into an archive that has everything)
# Needs only bash, coreutils and python3. Exits non-zero if any feedmark run fails.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
feedmark=${1:-$repo_root/build/feedmark}
items=${2:-5000}
runs=3
export SOURCE_DATE_EPOCH=1648663143

if ! [[ $items =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/bench.sh [PATH/TO/feedmark] [ITEMS]  (ITEMS must be a positive integer)" >&2
  exit 2
fi
if ! command -v "$feedmark" >/dev/null; then
  echo "bench: feedmark not found at '$feedmark'; build it first (cmake --build build)" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/feedmark-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# timed CMD... : runs CMD with stdout to /dev/null and prints its wall time in
# seconds. On failure, prints CMD's stderr and exits 1.
cat >"$tmp/timed.py" <<'EOF'
import subprocess, sys, time
with open(sys.argv[1], "wb") as err:
    start = time.perf_counter()
    status = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=err).returncode
    elapsed = time.perf_counter() - start
print(f"{elapsed:.6f}")
sys.exit(status)
EOF
timed() {
  local secs
  if ! secs=$(python3 "$tmp/timed.py" "$tmp/stderr" "$@"); then
    echo "bench: FAILED: $*" >&2
    cat "$tmp/stderr" >&2
    exit 1
  fi
  if [[ -s $tmp/stderr ]]; then
    echo "bench: note: feedmark wrote to stderr: $*" >&2
    head -n 5 "$tmp/stderr" >&2
  fi
  echo "$secs"
}

# best SECONDS... : the smallest of its arguments
best() { printf '%s\n' "$@" | sort -g | head -n 1; }

count_articles() {
  find "$1" -type f -name '*.md' ! -name index.md | wc -l
}

echo "nproc:    $(nproc)"
version=$("$feedmark" --version) || { echo "bench: $feedmark --version failed" >&2; exit 1; }
echo "feedmark: $version"

feed=$tmp/feed.xml
gen_start=$(date +%s.%N)
python3 "$repo_root/bench/gen_feed.py" --items "$items" --seed 1 -o "$feed"
gen_end=$(date +%s.%N)
bytes=$(stat -c %s "$feed")
# --max-size (32 MiB by default) bounds files too: room for the whole feed.
max_size=$((bytes + 1))
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1048576 }')
gen_secs=$(awk -v a="$gen_start" -v b="$gen_end" 'BEGIN { printf "%.1f", b - a }')
echo "feed:     $items items, $bytes bytes ($mib MiB), generated in ${gen_secs}s"
echo

# 1. parse
parse_times=()
for ((i = 1; i <= runs; i++)); do
  t=$(timed "$feedmark" parse "$feed" --max-size "$max_size") || exit 1
  parse_times+=("$t")
done

# 2. fetch into a fresh, empty archive each time
fresh_times=()
for ((i = 1; i <= runs; i++)); do
  # A new folder each time, none deleted until the end: on ext4, creating
  # files right after deleting thousands is several times slower (the inode
  # allocator skips recently freed inodes), which a cron job never sees.
  t=$(timed "$feedmark" fetch "$feed" -a "$tmp/fresh$i" --max-size "$max_size") || exit 1
  fresh_times+=("$t")
done
ln -s "fresh$runs" "$tmp/fresh"
articles=$(count_articles "$tmp/fresh/")
indexes=$(find "$tmp/fresh/" -type f -name index.md | wc -l)
echo "fresh archive: $articles article files, $indexes index.md files"
if [[ $articles -ne $items ]]; then
  echo "bench: FAILED: expected $items article files, found $articles" >&2
  exit 1
fi

# 3. fetch again into the archive that already holds everything (no-op re-run)
touch "$tmp/before-rerun"
rerun_times=()
for ((i = 1; i <= runs; i++)); do
  t=$(timed "$feedmark" fetch "$feed" -a "$tmp/fresh" --max-size "$max_size") || exit 1
  rerun_times+=("$t")
done
rewritten=$(find "$tmp/fresh/" -type f -name '*.md' ! -name index.md -newer "$tmp/before-rerun" | wc -l)
echo "no-op re-runs rewrote $rewritten article files (expected 0)"
echo

row() { # row LABEL SECONDS
  awk -v label="$1" -v s="$2" -v b="$bytes" -v n="$items" 'BEGIN {
    printf "%-34s %9.2f %10.3f %9.1f %10.0f\n", label, b / 1048576, s, b / 1048576 / s, n / s }'
}
printf "%-34s %9s %10s %9s %10s\n" "command (best of $runs)" "feed MiB" "wall s" "MiB/s" "items/s"
row "parse FEED" "$(best "${parse_times[@]}")"
row "fetch FEED -a EMPTY_ARCHIVE" "$(best "${fresh_times[@]}")"
row "fetch FEED -a FULL_ARCHIVE (no-op)" "$(best "${rerun_times[@]}")"
echo "(MiB = 1048576 bytes; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
