"""Whole-process timing for the benchmark scripts (standard library only)."""

import argparse
import os
import subprocess
import sys
import tempfile
import time


def argument_parser(doc):
    """A parser whose description is the script's first docstring line,
    with --feedmark (default: build/feedmark of this checkout)."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--feedmark",
                    default=os.path.join(here, "..", "build", "feedmark"))
    return ap


def generate_feed(path, items, seed=1):
    """Writes the benchmark feed (bench/gen_feed.py) of `items` items."""
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([sys.executable, os.path.join(here, "gen_feed.py"),
                    "--items", str(items), "--seed", str(seed), "-o", path],
                   check=True)


def require_gnu_time():
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("bench: needs GNU time (apt-get install time)")


def run(cmd, epoch, env=None):
    """Wall seconds and peak memory in KiB of one whole process; exits with
    its stderr if it fails.

    The peak comes from GNU time: a child's ru_maxrss, as wait4 reports it to
    Python, starts from the Python process's own size when it forks, which
    is larger than a small feedmark run."""
    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("r") as peak:
        proc = subprocess.run(
            ["/usr/bin/time", "-q", "-f", "%M", "-o", peak.name] + cmd,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=dict(os.environ, SOURCE_DATE_EPOCH=str(epoch), **(env or {})))
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"bench: FAILED: {' '.join(cmd)}\n"
                     f"{proc.stderr.decode(errors='replace')}")
        return elapsed, int(peak.read().split()[-1])
