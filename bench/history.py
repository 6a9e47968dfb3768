#!/usr/bin/env python3
"""What a run costs once a feed folder is years old.

Builds a feed folder of HISTORY articles (100,000 by default) by writing
article files directly, as years of runs would have left them, lets
`feedmark index` adopt them, then times whole processes, interleaved with
the same runs against an empty folder so the machine's noise falls on both:

  * a 30-item rerun whose document changed but whose items did not (a new
    lastBuildDate: the server's usual 200 without validators),
  * a rerun with 30 new items,
  * `feedmark index` over the whole folder.

Prints the best wall time and peak memory (from wait4's ru_maxrss) of each,
and the history/empty ratios. Marks (issue 12): the reruns within 1.5x of
their empty-folder times and 2x of their memory; `feedmark index` under 2 s.

    bench/history.py [--feedmark build/feedmark] [--history 100000] [--runs 5]

Python 3 standard library only.
"""

import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import timing

FEED_URL = "https://bench.example.com/feed.xml"
EPOCH = 1648663143


def short_hash(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rfc1123(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(t))


def write_history(folder, count, seed=1):
    """Article files as feedmark writes them, one an hour back from EPOCH."""
    rng = random.Random(seed)
    os.makedirs(folder)
    for n in range(count):
        published = EPOCH - 3600 * (n + 31)
        item_id = short_hash(f"history-{n}")
        words = " ".join(rng.choice(("news", "market", "world", "city", "会议",
                                     "经济", "发展")) for _ in range(8))
        body = f"<p>{words} {n}</p>" * 20
        with open(os.path.join(folder, item_id + ".md"), "w",
                  encoding="utf-8") as f:
            f.write(f"<!--{published * 1000 + 1234}-->\n"
                    f"[History {n} {words}](https://bench.example.com/h/{n})\n"
                    f"------\n\n"
                    f"<div><i>{rfc1123(published)}</i></div>{body}\n")


def feed(first_item, items=30, build=0):
    parts = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0">'
             "<channel><title>Bench</title><link>https://bench.example.com/"
             f"</link><lastBuildDate>{rfc1123(EPOCH + build)}</lastBuildDate>"]
    for n in range(first_item, first_item + items):
        parts.append(
            f"<item><title>Item {n}</title>"
            f"<link>https://bench.example.com/a/{n}</link><guid>item-{n}</guid>"
            f"<pubDate>{rfc1123(EPOCH - 60 * n)}</pubDate><description>"
            f"&lt;p&gt;Paragraph {n} of an article.&lt;/p&gt;"
            f"&lt;img src=\"https://img.example.com/{n}.jpg\"&gt;"
            "</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts)


def run(cmd):
    return timing.run(cmd, EPOCH)


def main():
    timing.require_gnu_time()
    ap = timing.argument_parser(__doc__)
    ap.add_argument("--history", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    feedmark = os.path.abspath(args.feedmark)

    tmp = tempfile.mkdtemp(prefix="feedmark-history.")
    try:
        old = os.path.join(tmp, "old")
        fresh = os.path.join(tmp, "fresh")
        start = time.perf_counter()
        write_history(os.path.join(old, short_hash(FEED_URL)), args.history)
        print(f"history: {args.history} article files written in "
              f"{time.perf_counter() - start:.1f} s")
        adopt, _ = run([feedmark, "index", "-a", old])
        print(f"first `feedmark index` (adopts the files): {adopt:.2f} s")

        feed_file = os.path.join(tmp, "feed.xml")

        def fetch(archive, text):
            with open(feed_file, "w", encoding="utf-8") as f:
                f.write(text)
            return run([feedmark, "fetch", feed_file, "-a", archive,
                        "--feed-url", FEED_URL])

        for archive in (old, fresh):
            fetch(archive, feed(0))  # the 30 current items, once
        results = {}
        next_item = 1000
        for r in range(args.runs):
            for name, archive in (("history", old), ("empty", fresh)):
                # The same items, another document: parsed, nothing written.
                results.setdefault(("no-op rerun", name), []).append(
                    fetch(archive, feed(0, build=r + 1)))
            next_item += 30
            for name, archive in (("history", old), ("empty", fresh)):
                results.setdefault(("30 new items", name), []).append(
                    fetch(archive, feed(next_item, build=r + 1)))
            for name, archive in (("history", old), ("empty", fresh)):
                results.setdefault(("feedmark index", name), []).append(
                    run([feedmark, "index", "-a", archive]))

        print(f"\n{'run (best of ' + str(args.runs) + ')':<22} "
              f"{'history s':>10} {'empty s':>9} {'ratio':>6} "
              f"{'history MiB':>12} {'empty MiB':>10} {'ratio':>6}")
        for what in ("no-op rerun", "30 new items", "feedmark index"):
            h = min(results[(what, "history")])
            e = min(results[(what, "empty")])
            hm = max(m for _, m in results[(what, "history")]) / 1024
            em = max(m for _, m in results[(what, "empty")]) / 1024
            print(f"{what:<22} {h[0]:>10.3f} {e[0]:>9.3f} {h[0] / e[0]:>6.2f} "
                  f"{hm:>12.1f} {em:>10.1f} {hm / em:>6.2f}")
        total = args.history + 30 + 30 * args.runs
        print(f"(history folder: {total} articles at the end; "
              f"SOURCE_DATE_EPOCH={EPOCH})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
