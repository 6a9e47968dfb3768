#!/usr/bin/env bash
# Installs everything feedmark needs to build, test and benchmark on Debian 12.
# Used by the README's set-up commands and by .ci/run. Safe to run again.
# clang and libclang-rt-14-dev (its sanitizer and libFuzzer runtimes, which
# clang does not pull in without recommends) build the fuzz target; hugo
# and chromium build and show the shipped Hugo site in its tests.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libpugixml-dev libgumbo-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libcurl4-openssl-dev libssl-dev libexpected-dev libuchardet-dev
  catch2 libcmark-gfm-dev libcmark-gfm-extensions-dev libcpp-httplib-dev zlib1g-dev
  libre2-dev libkainjow-mustache-dev
  libyaml-cpp-dev hugo chromium nginx-light libdtl-dev openssl
  man-db groff-base zsh fish bash-completion dpkg-dev
  python3 tzdata
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
