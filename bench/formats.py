#!/usr/bin/env python3
"""--format seed, hugo and obsidian side by side on the 36 MB feed.

Generates the benchmark feed (bench/gen_feed.py, 5,000 items by default)
and times, rounds interleaved so the machine's noise falls on all alike,
`feedmark fetch --format F` of it into an empty archive, and newsboat's
parse-and-store of the same file for scale (when installed). Prints the
best wall time and peak memory of each, and each format's cost against
seed: issue 15's mark is obsidian (HTML to Markdown for every body) at most
1.3x seed. Put the archives on tmpfs to time feedmark rather than the disk:

    TMPDIR=/dev/shm bench/formats.py [--feedmark build/feedmark] [--runs 5]
"""

import os
import shutil
import tempfile

import timing

EPOCH = "1648663143"
FEED_URL = "https://news.example.com/feed.xml"
FORMATS = ("seed", "hugo", "obsidian")


def main():
    timing.require_gnu_time()
    ap = timing.argument_parser(__doc__)
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    feedmark = os.path.abspath(args.feedmark)

    tmp = tempfile.mkdtemp(prefix="feedmark-formats.")
    try:
        feed = os.path.join(tmp, "feed.xml")
        timing.generate_feed(feed, args.items)
        size = os.path.getsize(feed)
        print(f"feed: {args.items} items, {size} bytes; {args.runs} rounds")
        results = {}
        for r in range(args.runs):
            for fmt in FORMATS:
                archive = os.path.join(tmp, f"{fmt}{r}")
                seconds, kib = timing.run(
                    [feedmark, "fetch", feed, "-a", archive, "--format", fmt,
                     "--feed-url", FEED_URL, "--max-size", str(size + 64)],
                    EPOCH)
                results.setdefault(fmt, []).append((seconds, kib / 1024))
                shutil.rmtree(archive)
        best = {k: min(s for s, _ in v) for k, v in results.items()}
        peak = {k: max(m for _, m in v) for k, v in results.items()}
        print(f"\n{'--format (best of ' + str(args.runs) + ')':<26} "
              f"{'wall s':>8} {'peak MiB':>9} {'vs seed':>8}")
        for fmt in FORMATS:
            print(f"{fmt:<26} {best[fmt]:>8.3f} {peak[fmt]:>9.1f} "
                  f"{best[fmt] / best['seed']:>7.2f}x")
        print(f"\nobsidian: {best['obsidian'] / best['seed']:.2f}x seed "
              "(mark: <= 1.3x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
