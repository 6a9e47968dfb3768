#!/usr/bin/env python3
"""The 36 MB feed: first run, reruns, and newsboat side by side.

Generates the benchmark feed (bench/gen_feed.py, 5,000 items by default) and
a copy with one item's title edited, then times whole processes, rounds
interleaved so the machine's noise falls on all alike:

  * `feedmark fetch` into an empty archive (a new folder each round),
  * the same document again (a server's 200 with the same body: the feed is
    named by --feed-url, so its folder is known before parsing, as a URL's),
  * the document with one item edited, then the original again (each an
    item-level change),
  * `newsboat -x reload` of the same file into an empty cache (when newsboat
    is installed: `apt-get install newsboat`).

Prints the best wall time and the peak memory of each, and the ratios the
marks of issue 12 name: same body <= 10% of the first run, one item edited
<= 25%, the first run >= 1.3x faster than newsboat with no more memory.
Put the archive on tmpfs to time feedmark rather than the disk:

    TMPDIR=/dev/shm bench/reruns.py [--feedmark build/feedmark] [--runs 5]
"""

import os
import shutil
import tempfile

import timing

EPOCH = "1648663143"
FEED_URL = "https://news.example.com/feed.xml"


def run(cmd, env=None):
    """Wall seconds and peak MiB."""
    seconds, kib = timing.run(cmd, EPOCH, env)
    return seconds, kib / 1024


def main():
    timing.require_gnu_time()
    ap = timing.argument_parser(__doc__)
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    feedmark = os.path.abspath(args.feedmark)
    newsboat = shutil.which("newsboat")

    tmp = tempfile.mkdtemp(prefix="feedmark-reruns.")
    try:
        feed = os.path.join(tmp, "feed.xml")
        edited = os.path.join(tmp, "edited.xml")
        timing.generate_feed(feed, args.items)
        with open(feed, encoding="utf-8") as f:
            text = f.read()
        at = text.index("<title>", text.index("<item")) + len("<title>")
        with open(edited, "w", encoding="utf-8") as f:
            f.write(text[:at] + "Corrected: " + text[at:])
        del text
        size = os.path.getsize(feed)
        print(f"feed: {args.items} items, {size} bytes; {args.runs} rounds")

        def fetch(source, archive):
            return run([feedmark, "fetch", source, "-a", archive,
                        "--feed-url", FEED_URL, "--max-size", str(size + 64)])

        results = {}
        for r in range(args.runs):
            archive = os.path.join(tmp, f"archive{r}")
            results.setdefault("first run", []).append(fetch(feed, archive))
            results.setdefault("same document", []).append(
                fetch(feed, archive))
            results.setdefault("one item edited", []).append(
                fetch(edited, archive))
            results["one item edited"].append(fetch(feed, archive))
            if newsboat:
                home = os.path.join(tmp, f"newsboat{r}")
                os.makedirs(home)
                with open(os.path.join(home, "urls"), "w") as f:
                    f.write(f"file://{feed}\n")
                open(os.path.join(home, "config"), "w").close()
                results.setdefault("newsboat -x reload", []).append(run(
                    [newsboat, "-u", os.path.join(home, "urls"), "-c",
                     os.path.join(home, "cache.db"), "-C",
                     os.path.join(home, "config"), "-x", "reload"],
                    env={"HOME": home}))
            shutil.rmtree(archive)

        best = {k: min(v) for k, v in results.items()}
        peak = {k: max(m for _, m in v) for k, v in results.items()}
        first = best["first run"][0]
        print(f"\n{'run (best of ' + str(args.runs) + ')':<24} {'wall s':>8} "
              f"{'peak MiB':>9} {'vs first run':>13}")
        for what, (seconds, _) in best.items():
            print(f"{what:<24} {seconds:>8.3f} {peak[what]:>9.1f} "
                  f"{seconds / first:>12.1%}")
        if newsboat:
            nb = best["newsboat -x reload"][0]
            print(f"\nfirst run: {nb / first:.2f}x as fast as newsboat "
                  f"(mark: >= 1.3x); memory {peak['first run']:.0f} MiB "
                  f"against newsboat's {peak['newsboat -x reload']:.0f} MiB")
        else:
            print("\n(newsboat not installed: apt-get install newsboat)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
