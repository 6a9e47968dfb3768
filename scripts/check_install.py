#!/usr/bin/env python3
"""What `cmake --install` puts in place, checked (a ctest test).

Installs the build into a temporary prefix and checks: every file where
it belongs; both man pages render without a warning (`MANWIDTH=80 man
--warnings -l`); every option CLI11 knows (from each command's --help)
appears in feedmark.1; bash completion completes `feedmark fe` to fetch
and `feedmark fetch --for` to --format (through bash's own `complete`);
the zsh and fish files parse (`zsh -n`, `fish -n`); the Hugo site is
installed whole, as examples/hugo-site/ holds it.

    scripts/check_install.py BUILD_DIR
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

EXPECTED = [
    "bin/feedmark",
    "share/man/man1/feedmark.1",
    "share/man/man5/feedmark-feeds.5",
    "share/bash-completion/completions/feedmark",
    "share/zsh/vendor-completions/_feedmark",
    "share/fish/vendor_completions.d/feedmark.fish",
    "share/doc/feedmark/examples/feedmark.service",
    "share/doc/feedmark/examples/feedmark.timer",
    "share/feedmark/hugo-site/hugo.toml",
    "share/feedmark/hugo-site/layouts/index.html",
    "share/feedmark/hugo-site/layouts/_default/baseof.html",
    "share/feedmark/hugo-site/layouts/_default/list.html",
    "share/feedmark/hugo-site/layouts/_default/single.html",
    "share/feedmark/hugo-site/layouts/partials/path.html",
    "share/feedmark/hugo-site/static/css/feedmark.css",
]
COMMANDS = ["fetch", "parse", "extract", "discover", "index"]


def check(ok, what, problems):
    if not ok:
        problems.append(what)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def options_of(feedmark, command):
    out = subprocess.run([feedmark, command, "--help"], capture_output=True,
                         text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        m = re.match(r"\s+((?:-{1,2}[\w-]+,?)+)", line)
        if m:
            names.update(n for n in m.group(1).split(",") if n)
    return names


def bash_complete(completion, words):
    """COMPREPLY of the completion function for the words typed so far."""
    script = f"""
source {completion}
func=$(complete -p feedmark | sed -E 's/.* -F ([^ ]+) .*/\\1/')
COMP_WORDS=({' '.join(words)})
COMP_CWORD={len(words) - 1}
$func feedmark "{words[-1]}" "{words[-2]}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    return subprocess.run(["bash", "-c", script], capture_output=True,
                          text=True, check=True).stdout.split()


def main():
    build = os.path.abspath(sys.argv[1])
    problems = []
    prefix = tempfile.mkdtemp(prefix="feedmark-install.")
    try:
        subprocess.run(["cmake", "--install", build, "--prefix", prefix],
                       check=True, stdout=subprocess.DEVNULL)
        for rel in EXPECTED:
            check(os.path.isfile(os.path.join(prefix, rel)),
                  f"missing {rel}", problems)
        # The Hugo site, every file as the source tree holds it.
        site = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "..", "examples", "hugo-site")
        installed_site = os.path.join(prefix, "share/feedmark/hugo-site")
        for root, _, files in os.walk(site):
            for name in files:
                rel = os.path.relpath(os.path.join(root, name), site)
                target = os.path.join(installed_site, rel)
                check(os.path.isfile(target) and
                      read_bytes(target) == read_bytes(os.path.join(site, rel)),
                      f"hugo-site/{rel} not installed as it is", problems)
        feedmark = os.path.join(prefix, "bin", "feedmark")
        check(os.access(feedmark, os.X_OK), "bin/feedmark not executable",
              problems)

        if shutil.which("man"):
            for page in ("man1/feedmark.1", "man5/feedmark-feeds.5"):
                proc = subprocess.run(
                    ["man", "--warnings", "-l",
                     os.path.join(prefix, "share/man", page)],
                    capture_output=True, text=True,
                    env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING=""))
                check(proc.returncode == 0 and proc.stderr == "",
                      f"{page}: man warns: {proc.stderr.strip()}", problems)
        else:
            problems.append("man is not installed (scripts/install-deps.sh)")

        with open(os.path.join(prefix, "share/man/man1/feedmark.1")) as f:
            manual = f.read().replace("\\-", "-")
        for command in COMMANDS:
            check(re.search(rf"^\.B {command}$", manual, re.M) is not None,
                  f"feedmark.1 does not document the command {command}",
                  problems)
            for option in sorted(options_of(feedmark, command)):
                check(re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])",
                                manual) is not None,
                      f"feedmark.1 does not document {command} {option}",
                      problems)

        completion = os.path.join(
            prefix, "share/bash-completion/completions/feedmark")
        check(bash_complete(completion, ["feedmark", "fe"]) == ["fetch"],
              "bash: 'feedmark fe' does not complete to fetch", problems)
        check(bash_complete(completion, ["feedmark", "fetch", "--for"]) ==
              ["--format"],
              "bash: 'feedmark fetch --for' does not complete to --format",
              problems)
        check(bash_complete(completion, ["feedmark", "fetch", "--progress",
                                         "al"]) == ["always"],
              "bash: --progress values", problems)
        for shell, path in (("zsh", "share/zsh/vendor-completions/_feedmark"),
                            ("fish",
                             "share/fish/vendor_completions.d/feedmark.fish")):
            if not shutil.which(shell):
                problems.append(f"{shell} is not installed "
                                "(scripts/install-deps.sh)")
                continue
            proc = subprocess.run([shell, "-n", os.path.join(prefix, path)],
                                  capture_output=True, text=True)
            check(proc.returncode == 0 and proc.stderr == "",
                  f"{shell} -n {path}: {proc.stderr.strip()}", problems)
    finally:
        shutil.rmtree(prefix, ignore_errors=True)
    for p in problems:
        print(f"install: {p}", file=sys.stderr)
    print(f"install: {len(EXPECTED)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
