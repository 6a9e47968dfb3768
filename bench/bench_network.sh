#!/usr/bin/env bash
# Benchmarks `feedmark fetch` over HTTP: many feeds, each behind 100 ms of
# latency, from a local server (bench/serve_feeds.py). No network is used.
#
#   bench/bench_network.sh [PATH/TO/feedmark] [FEEDS] [JOBS]
#   bench/bench_network.sh                  # build/feedmark, 200 feeds, --jobs 8
#
# Reports, as whole-process wall times:
#   first run   fetch --feeds LIST into an empty archive (3 runs, a fresh
#               archive each); compared with the ideal FEEDS x 0.1 s / JOBS
#   no-op run   the same again into the full archive: every request must be
#               conditional and answered 304, and nothing written or printed
# Exits non-zero if a run fails, the first run is slower than 1.5x the ideal,
# or the no-op run is not all 304s with nothing written.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
feedmark=${1:-$repo_root/build/feedmark}
feeds=${2:-200}
jobs=${3:-8}
items=15
latency=0.1
runs=3

if ! command -v "$feedmark" >/dev/null; then
  echo "bench: feedmark not found at '$feedmark'; build it first" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/feedmark-netbench.XXXXXX")
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

mkfifo "$tmp/ready"
python3 "$repo_root/bench/serve_feeds.py" --feeds "$feeds" --items "$items" \
  --latency "$latency" --list "$tmp/feeds.txt" >"$tmp/ready" &
server_pid=$!
read -r port bytes <"$tmp/ready"

stats() { python3 -c "import json,sys,urllib.request as u; \
s=json.load(u.urlopen('http://127.0.0.1:$port/_stats')); print(s[sys.argv[1]])" "$1"; }

# timed OUT ERR CMD... : runs CMD, prints its wall time in seconds
timed() {
  local out=$1 err=$2 start end
  shift 2
  start=$(date +%s.%N)
  if ! "$@" >"$out" 2>"$err"; then
    echo "bench: FAILED: $*" >&2
    head -n 20 "$err" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

echo "nproc:    $(nproc)"
echo "feedmark: $("$feedmark" --version)"
echo "server:   $feeds feeds of $items items ($bytes bytes in all), $latency s latency per response, port $port"
echo

first_times=()
for ((i = 1; i <= runs; i++)); do
  first_times+=("$(timed "$tmp/out$i" "$tmp/err$i" "$feedmark" fetch --feeds "$tmp/feeds.txt" \
    -a "$tmp/archive$i" --jobs "$jobs")")
done
articles=$(find "$tmp/archive$runs" -name '*.md' ! -name index.md | wc -l)
printed=$(wc -l <"$tmp/out$runs")
requests_first=$(stats requests)
conditional_first=$(stats conditional)

touch "$tmp/before-noop"
sleep 0.05
noop_times=()
for ((i = 1; i <= runs; i++)); do
  noop_times+=("$(timed "$tmp/noop-out$i" "$tmp/noop-err$i" "$feedmark" fetch --feeds "$tmp/feeds.txt" \
    -a "$tmp/archive$runs" --jobs "$jobs")")
done
requests=$(($(stats requests) - requests_first))
conditional=$(($(stats conditional) - conditional_first))
not_modified=$(stats not_modified)
rewritten=$(find "$tmp/archive$runs" -type f -newer "$tmp/before-noop" ! -name .lock | wc -l)
noop_output=$(cat "$tmp"/noop-out* "$tmp"/noop-err* | wc -c)

ideal=$(awk -v n="$feeds" -v l="$latency" -v j="$jobs" 'BEGIN { printf "%.2f", n * l / j }')
first=$(median "${first_times[@]}")
ratio=$(awk -v t="$first" -v i="$ideal" 'BEGIN { printf "%.2f", t / i }')
mib_s=$(awk -v b="$bytes" -v t="$first" 'BEGIN { printf "%.1f", b / 1048576 / t }')

echo "first run (fresh archive, --jobs $jobs): ${first_times[*]} s; median $first s"
echo "  ideal $feeds x $latency s / $jobs = $ideal s; ratio ${ratio}x (mark: 1.5x)"
echo "  $articles articles written, $printed paths printed, $requests_first requests for $runs runs, $mib_s MiB/s"
echo "no-op run (full archive): ${noop_times[*]} s; median $(median "${noop_times[@]}") s"
echo "  $requests requests for $runs runs: $conditional conditional, $not_modified answered 304;"
echo "  $rewritten files written, $noop_output bytes printed"

status=0
if [[ $articles -ne $((feeds * items)) || $printed -ne $articles ]]; then
  echo "bench: FAILED: expected $((feeds * items)) articles written and printed" >&2
  status=1
fi
if awk -v r="$ratio" 'BEGIN { exit !(r > 1.5) }'; then
  echo "bench: FAILED: the first run is over 1.5x the ideal" >&2
  status=1
fi
if [[ $requests -ne $((feeds * runs)) || $conditional -ne $requests || $not_modified -ne $requests ||
      $rewritten -ne 0 || $noop_output -ne 0 ]]; then
  echo "bench: FAILED: the no-op run must be all conditional, all 304, silent, writing nothing" >&2
  status=1
fi
exit $status
