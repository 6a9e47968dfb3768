#!/usr/bin/env python3
"""That carrying unchanged items never changes an archive, on real feeds.

For every feed file of a folder (by default the conformance suites in
../shared), four runs of `feedmark fetch` into two archives: the file, the
file with a space after it, the file with its first item's title edited,
and the file again. One archive's runs may carry items whose raw bytes are
unchanged (docs/speed.md, "Cost that follows change"); the other's state
loses its item context before each run, so every item is read. The two
archives must print the same articles and hold the same files. Prints how
many feeds were compared, how many runs carried items, and every feed
whose archives differ (the script then fails).

    bench/carried_items.py [FOLDER] [--feedmark build/feedmark]
"""

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile

import suites

HERE = os.path.dirname(os.path.abspath(__file__))
CONTEXT = re.compile(rb' "context": "[0-9a-f]+",\n')
UNPARSED = re.compile(r", (\d+) unchanged items unparsed")


def edited(data):
    """The document with its first item's (or entry's) title edited; a
    plain byte search, enough for a script: a miss only edits nothing."""
    for tag in (b"<item", b"<entry"):
        at = data.find(tag)
        if at >= 0:
            title = data.find(b"<title>", at)
            if title >= 0:
                at = title + len(b"<title>")
                return data[:at] + b"Edited " + data[at:]
    return data + b"\n"


def forget_context(archive):
    if not os.path.isdir(archive):
        return
    for name in os.listdir(archive):
        state = os.path.join(archive, name, ".state.json")
        if os.path.isfile(state):
            with open(state, "rb") as f:
                text = f.read()
            with open(state, "wb") as f:
                f.write(CONTEXT.sub(b"", text))


def files_of(archive):
    found = {}
    for root, _, names in os.walk(archive):
        for name in names:
            if name in (".state.json", ".lock"):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, archive)] = f.read()
    return found


def compare(job):
    feedmark, path = job
    with open(path, "rb") as f:
        data = f.read()
    steps = [data, data + b" ", edited(data), data]
    tmp = tempfile.mkdtemp(prefix="feedmark-carried.")
    carried = 0
    try:
        feed = os.path.join(tmp, "feed")
        archives = [os.path.join(tmp, "carrying"), os.path.join(tmp, "reading")]
        for step, text in enumerate(steps):
            with open(feed, "wb") as f:
                f.write(text)
            results = []
            for which, archive in enumerate(archives):
                if which == 1:
                    forget_context(archive)
                proc = subprocess.run(
                    [feedmark, "fetch", feed, "-a", archive, "--feed-url",
                     "https://example.com/feed", "-v"],
                    capture_output=True, text=True, errors="replace",
                    env=dict(os.environ,
                             SOURCE_DATE_EPOCH=str(1648663143 + 3600 * step)))
                paths = [os.path.relpath(line, archive)
                         for line in proc.stdout.splitlines()]
                results.append((proc.returncode, paths))
                if which == 0 and UNPARSED.search(proc.stderr):
                    carried += 1
            if results[0] != results[1]:
                return path, carried, f"step {step}: printed or exit differ"
        if files_of(archives[0]) != files_of(archives[1]):
            return path, carried, "the archives' files differ"
        return path, carried, None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?",
                    default=os.path.join(HERE, "..", "..", "shared",
                                         "conformance"))
    ap.add_argument("--feedmark",
                    default=os.path.join(HERE, "..", "build", "feedmark"))
    args = ap.parse_args()
    feedmark = os.path.abspath(args.feedmark)
    jobs = [(feedmark, path) for path in suites.feed_files(args.folder)]
    differ = 0
    carried_runs = 0
    carried_feeds = 0
    with multiprocessing.Pool() as pool:
        for path, carried, problem in pool.imap_unordered(compare, jobs, 8):
            carried_runs += carried
            carried_feeds += 1 if carried else 0
            if problem:
                differ += 1
                print(f"{path}: {problem}")
    print(f"{len(jobs)} feeds, 4 runs each: {carried_feeds} feeds carried "
          f"items on {carried_runs} runs; {differ} archives differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
