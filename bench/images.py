#!/usr/bin/env python3
"""--save-images over HTTP: many feeds with pictures behind 100 ms latency.

Serves 200 feeds x 15 items x 3 images (about 9,000 JPEGs of 20-200 KB)
from 25 loopback addresses (bench/serve_feeds.py --images 3), every
response delayed by 100 ms, and times whole feedmark processes:

  * the first run, `fetch --feeds LIST --save-images --jobs 16` into an
    empty archive: wall time, bytes, peak memory, and its ratio to the
    ideal (every request x 0.1 s / 16 jobs);
  * the no-op rerun into the full archive: it must make only the 200
    conditional feed requests (304), no image request, and write nothing.

The images are on loopback, so the runs pass --allow-private-networks.
Marks (issue 13): first run within 1.5x the ideal, peak memory under
200 MB. Exits non-zero when a mark or a check fails.

    bench/images.py [--feedmark build/feedmark] [--feeds 200] [--runs 2]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request

import timing

EPOCH = "1648663143"
LATENCY = 0.1


def main():
    timing.require_gnu_time()
    here = os.path.dirname(os.path.abspath(__file__))
    ap = timing.argument_parser(__doc__)
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=15)
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--hosts", type=int, default=25)
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    feedmark = os.path.abspath(args.feedmark)

    tmp = tempfile.mkdtemp(prefix="feedmark-images.")
    server = None
    try:
        feed_list = os.path.join(tmp, "feeds.txt")
        server = subprocess.Popen(
            [sys.executable, os.path.join(here, "serve_feeds.py"),
             "--feeds", str(args.feeds), "--items", str(args.items),
             "--images", str(args.images), "--hosts", str(args.hosts),
             "--latency", str(LATENCY), "--list", feed_list],
            stdout=subprocess.PIPE, text=True)
        port, feed_bytes = map(int, server.stdout.readline().split())

        def stats():
            with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stats") as r:
                return json.load(r)

        def fetch(archive):
            return timing.run(
                [feedmark, "fetch", "--feeds", feed_list, "-a", archive,
                 "--save-images", "--allow-private-networks",
                 "--jobs", str(args.jobs)], EPOCH)

        images = args.feeds * args.items * args.images
        requests = args.feeds + images
        ideal = requests * LATENCY / args.jobs
        print(f"server: {args.feeds} feeds x {args.items} items x "
              f"{args.images} images = {images} images on {args.hosts} "
              f"loopback addresses, {LATENCY} s per response; "
              f"--jobs {args.jobs}")
        firsts = []
        for r in range(args.runs):
            before = stats()
            archive = os.path.join(tmp, f"archive{r}")
            seconds, kib = fetch(archive)
            after = stats()
            got = after["image_requests"] - before["image_requests"]
            nbytes = after["image_bytes"] - before["image_bytes"]
            saved = sum(len(files) for d, _, files in os.walk(archive)
                        if d.endswith("media"))
            firsts.append((seconds, kib, got, nbytes, saved))
            if r + 1 < args.runs:
                shutil.rmtree(archive)
        best = min(firsts)
        seconds, kib, got, nbytes, saved = best
        print(f"first run: {', '.join(f'{f[0]:.2f}' for f in firsts)} s; "
              f"best {seconds:.2f} s, ideal {requests} x {LATENCY} / "
              f"{args.jobs} = {ideal:.2f} s, ratio {seconds / ideal:.2f}x "
              f"(mark 1.5x)")
        print(f"  {got} image requests, {saved} images saved, "
              f"{nbytes / 1048576:.0f} MiB of images + "
              f"{feed_bytes / 1048576:.1f} MiB of feeds, "
              f"{nbytes / 1048576 / seconds:.1f} MiB/s; peak "
              f"{max(f[1] for f in firsts) / 1024:.0f} MiB (mark 200 MB)")

        before = stats()
        archive = os.path.join(tmp, f"archive{args.runs - 1}")
        seconds, noop_kib = fetch(archive)
        after = stats()
        noop = {k: after[k] - before[k] for k in after}
        print(f"no-op rerun: {seconds:.2f} s, {noop['requests']} feed "
              f"requests ({noop['not_modified']} answered 304), "
              f"{noop['image_requests']} image requests; peak "
              f"{noop_kib / 1024:.0f} MiB")

        failed = []
        if saved != images or got != images:
            failed.append(f"expected {images} images requested and saved")
        if best[0] / ideal > 1.5:
            failed.append("the first run is over 1.5x the ideal")
        if max(f[1] for f in firsts) > 200 * 1000 * 1000 / 1024:
            failed.append("peak memory over 200 MB")
        if (noop["requests"] != args.feeds or noop["not_modified"] !=
                args.feeds or noop["image_requests"] != 0):
            failed.append("the no-op rerun must be 200 conditional feed "
                          "requests and no image request")
        for f in failed:
            print(f"bench: FAILED: {f}", file=sys.stderr)
        sys.exit(1 if failed else 0)
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
