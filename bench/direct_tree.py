#!/usr/bin/env python3
"""How much feed HTML the direct reader takes, and that it agrees with gumbo.

Runs build/tests/direct_tree (built with the tests) over every feed file
of a folder, by default the conformance suites in ../shared, and over the
36 MB benchmark feed (bench/gen_feed.py): every item's summary and
content is read by the direct reader (src/html/direct_tree.h) and by
gumbo, and the two trees compared. Prints the share of fragments and of
bytes read directly, and fails if any tree differs. With -v, each
fragment left to gumbo.

    bench/direct_tree.py [FOLDER] [-v]
"""

import os
import re
import subprocess
import sys
import tempfile

import suites
import timing

SUMMARY = re.compile(r"(\d+) feeds, (\d+) fragments: (\d+) read directly "
                     r"\([\d.]+%, ([\d.]+)% of the bytes\), (\d+) differ")


def run(tool, files, verbose):
    """Feeds, fragments, direct, byte share, differ; summed over batches."""
    totals = [0, 0, 0, 0]
    for at in range(0, len(files), 500):  # a command line has a limit
        proc = subprocess.run([tool] + (["-v"] if verbose else []) +
                              files[at:at + 500], capture_output=True,
                              text=True)
        lines = proc.stdout.strip().splitlines()
        if verbose:
            print("\n".join(lines[:-1]))
        feeds, fragments, direct, _, differ = SUMMARY.search(
            lines[-1]).groups()
        for i, n in enumerate((feeds, fragments, direct, differ)):
            totals[i] += int(n)
        for line in lines:
            if "trees differ" in line and not verbose:
                print(line)
    return totals


def report(name, totals):
    feeds, fragments, direct, differ = totals
    print(f"{name}: {feeds} feeds, {fragments} fragments, "
          f"{direct} read directly ({100.0 * direct / max(fragments, 1):.1f}%)"
          f", {differ} trees differ from gumbo's")


def main():
    args = suites.suite_arguments(__doc__, "direct_tree")
    files = suites.feed_files(args.folder)
    totals = run(args.tool, files, args.v)
    report(os.path.basename(os.path.normpath(args.folder)), totals)
    with tempfile.TemporaryDirectory() as tmp:
        feed = os.path.join(tmp, "feed.xml")
        timing.generate_feed(feed, 5000)
        proc = subprocess.run([args.tool, feed], capture_output=True,
                              text=True)
        print("benchmark feed: " + proc.stdout.strip().splitlines()[-1])
    return 0 if totals[3] == 0 and proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
