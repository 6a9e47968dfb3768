"""The feed files of the conformance suites, for the tools that read them all
(bench/markdown_roundtrip.py, bench/direct_tree.py)."""

import argparse
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def suite_arguments(doc, tool):
    """FOLDER (the suites in ../shared by default), --tool and -v."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("folder", nargs="?",
                    default=os.path.join(HERE, "..", "..", "shared",
                                         "conformance"))
    ap.add_argument("--tool", default=os.path.join(
        HERE, "..", "build", "tests", tool))
    ap.add_argument("-v", action="store_true")
    return ap.parse_args()


def feed_files(folder):
    """Every feed file under `folder`, sorted."""
    return sorted(
        os.path.join(root, name)
        for root, _, names in os.walk(folder) for name in names
        if name.endswith((".xml", ".json", ".rss", ".atom", ".rdf"))
        and name != "manifest.json")
