#!/usr/bin/env bash
# Builds the Debian package with CPack, installs it on this machine with
# apt-get (its dependencies from the archive), checks that the program and
# its man pages are there, and removes it again. CI runs it after the tests.
#   scripts/package.sh   (as root, or a user with sudo)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target feedmark
(cd "$build" && rm -f feedmark_*.deb && cpack -G DEB >/dev/null)
deb=$(ls "$build"/feedmark_*.deb)
echo "package: $deb"
dpkg-deb -I "$deb" | grep -E '^ (Package|Version|Depends):'
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -q "$(realpath "$deb")" >/dev/null
trap '$sudo apt-get remove -y -q feedmark >/dev/null' EXIT
installed=$(command -v feedmark)
[ "$installed" = /usr/bin/feedmark ] || { echo "package: feedmark is $installed" >&2; exit 1; }
feedmark --version
man -w feedmark
man -w 5 feedmark-feeds
test -f /usr/share/bash-completion/completions/feedmark
test -f /usr/share/zsh/vendor-completions/_feedmark
test -f /usr/share/fish/vendor_completions.d/feedmark.fish
test -f /usr/share/doc/feedmark/examples/feedmark.timer
feedmark fetch -q samples/*.xml -a "$(mktemp -d)" >/dev/null
$sudo apt-get remove -y -q feedmark >/dev/null
trap - EXIT
if [ -e /usr/bin/feedmark ] || [ -e /usr/share/man/man1/feedmark.1 ]; then
  echo "package: feedmark still installed after removal" >&2
  exit 1
fi
echo "package: installed, checked and removed cleanly"
