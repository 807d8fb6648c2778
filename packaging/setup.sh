#!/usr/bin/env bash
# Installs the Debian 12 dependencies (once) and builds Stillmotion in build/release.
# Usage: packaging/setup.sh            (used by run-studio.sh and run-tests.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mapfile -t packages < <(grep -vE '^\s*(#|$)' packaging/debian-packages.txt)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "stillmotion: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

# ccache hits across clone locations need paths relative to the checkout.
export CCACHE_BASEDIR="$root"
jobs="$(nproc)"
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
