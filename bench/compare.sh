#!/usr/bin/env bash
# Times two feedmark builds side by side on the same generated feed, runs
# interleaved so that the machine's noise falls on both alike:
#
#   bench/compare.sh OLD/feedmark NEW/feedmark [ITEMS] [RUNS]
#
# For each build: `fetch FEED` into a fresh archive (the archive under
# ${TMPDIR:-/tmp}), then a no-op rerun. Prints the best and median wall time
# of each, and NEW/OLD ratios of the bests. Needs bash, coreutils, python3.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
old=${1:?usage: bench/compare.sh OLD NEW [ITEMS] [RUNS]}
new=${2:?usage: bench/compare.sh OLD NEW [ITEMS] [RUNS]}
items=${3:-5000}
runs=${4:-5}
export SOURCE_DATE_EPOCH=1648663143

tmp=$(mktemp -d "${TMPDIR:-/tmp}/feedmark-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 "$repo_root/bench/gen_feed.py" --items "$items" --seed 1 -o "$tmp/feed.xml"
# --max-size (32 MiB by default) bounds files too: room for the whole feed.
max_size=$(($(stat -c %s "$tmp/feed.xml") + 1))
echo "feed: $items items, $(stat -c %s "$tmp/feed.xml") bytes; $runs runs each, interleaved"

# seconds CMD...: wall time of CMD, stdout discarded; fails if CMD fails.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

declare -A first rerun
for ((i = 0; i < runs; i++)); do
  for which in old new; do
    bin=${!which}
    archive=$tmp/$which-$i
    first[$which]+="$(seconds "$bin" fetch "$tmp/feed.xml" -a "$archive" --max-size "$max_size") "
    rerun[$which]+="$(seconds "$bin" fetch "$tmp/feed.xml" -a "$archive" --max-size "$max_size") "
  done
done

stats() {  # best and median of the numbers in $1
  printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { printf "%s %s", v[1], v[int((NR + 1) / 2)] }'
}
printf '%-28s %10s %10s %10s %10s %8s\n' run "old best" "old med" "new best" "new med" "new/old"
for kind in first rerun; do
  declare -n times=$kind
  read -r ob om <<<"$(stats "${times[old]}")"
  read -r nb nm <<<"$(stats "${times[new]}")"
  label=$([ "$kind" = first ] && echo "fetch into a fresh archive" || echo "no-op rerun")
  printf '%-28s %10s %10s %10s %10s %8s\n' "$label" "$ob" "$om" "$nb" "$nm" \
    "$(awk -v a="$ob" -v b="$nb" 'BEGIN { printf "%.2f", b / a }')"
done
