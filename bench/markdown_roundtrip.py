#!/usr/bin/env python3
"""Share of feed bodies whose Markdown round-trips through cmark-gfm.

Runs build/tests/markdown_roundtrip (built with the tests) over every feed
file of a folder, by default the conformance suites in ../shared: each
item is extracted as `fetch` would, its body converted to Markdown
(`--format obsidian`) and rendered back by cmark-gfm with GFM tables and
strikethrough; a body round-trips when the rendered HTML keeps the body's
text (the same characters in the same order, whitespace aside), its links
and its images. Prints the share, and with -v every body that does not.

    bench/markdown_roundtrip.py [FOLDER] [-v]
"""

import os
import re
import subprocess
import sys

import suites


def main():
    args = suites.suite_arguments(__doc__, "markdown_roundtrip")
    files = suites.feed_files(args.folder)
    totals = [0] * 7
    failures = []
    # In batches: a command line has a length limit.
    for at in range(0, len(files), 500):
        proc = subprocess.run([args.tool, "-v"] + files[at:at + 500],
                              capture_output=True, text=True)
        summary = proc.stdout.strip().splitlines()[-1]
        numbers = [int(n) for n in re.findall(
            r"(\d+) feeds \((\d+) unreadable\), (\d+) bodies: (\d+) round",
            summary)[0]]
        for i, n in enumerate(numbers):
            totals[i] += n
        failures += [l for l in proc.stdout.splitlines()
                     if ": item " in l]
    feeds, unreadable, bodies, kept = totals[:4]
    print(f"{len(files)} files, {feeds} feeds parsed ({unreadable} "
          f"unreadable), {bodies} bodies with text")
    print(f"round-trip exactly: {kept}/{bodies} "
          f"({100.0 * kept / max(bodies, 1):.2f}%)")
    if args.v:
        print("\n".join(failures))
    return 0 if kept == bodies else 1


if __name__ == "__main__":
    sys.exit(main())
