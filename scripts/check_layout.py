#!/usr/bin/env python3
"""Checks the source tree's layout (docs/architecture.md):

- every file of src/ and include/ is in a stage folder and under 600 lines
  (generated .inc tables aside);
- a file includes only headers of its own stage or of stages upstream of it;
- the headers and sources include one another without a cycle.

Run from anywhere: python3 scripts/check_layout.py. Exits 1 with one line per
problem; ctest runs it as the test "source layout".
"""
import pathlib
import re
import sys

STAGES = ["util", "fetch", "decode", "html", "parse", "extract", "write",
          "store", "run", "cli"]
MAX_LINES = 600
ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def stage_of(path):
    """The stage of a file of src/ or include/feedmark/, or None."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "include":
        parts = parts[2:]  # include/feedmark/<stage>/...
    else:
        parts = parts[1:]  # src/<stage>/...
    return parts[0] if len(parts) > 1 and parts[0] in STAGES else None


def resolve(path, name):
    """The file an #include "name" in `path` names, or None."""
    for base in (path.parent, ROOT / "include", ROOT / "src"):
        candidate = (base / name).resolve()
        if candidate.is_file():
            return candidate
    return None


def main():
    problems = []
    files = sorted(p for d in ("src", "include") for p in (ROOT / d).rglob("*")
                   if p.suffix in (".cpp", ".h", ".inc"))
    graph = {}
    for path in files:
        rel = path.relative_to(ROOT)
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if path.suffix != ".inc" and lines > MAX_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_LINES})")
        stage = stage_of(path)
        if stage is None:
            if rel != pathlib.Path("src/main.cpp"):
                problems.append(f"{rel}: not in a stage folder ({', '.join(STAGES)})")
            stage = STAGES[-1]
        graph[path] = []
        for name in INCLUDE.findall(text):
            target = resolve(path, name)
            if target is None:
                continue
            graph[path].append(target)
            target_stage = stage_of(target)
            if target_stage and STAGES.index(target_stage) > STAGES.index(stage):
                problems.append(f"{rel}: includes {name}, downstream of {stage}/")
    # Cycles, by depth-first search.
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                cycle = trail[trail.index(nxt):] + [nxt]
                problems.append("include cycle: " + " -> ".join(
                    str(p.relative_to(ROOT)) for p in cycle))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    for problem in problems:
        print(problem)
    print(f"layout: {len(files)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
