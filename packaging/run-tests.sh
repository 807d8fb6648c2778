#!/usr/bin/env bash
# One command: install dependencies, build, and run the whole test suite headless.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/setup.sh"
export QT_QPA_PLATFORM=offscreen
export STILLMOTION_GOLDEN_DIR="${STILLMOTION_GOLDEN_DIR:-$root/../shared/golden}"
cd "$root"
ctest --preset release -j "$(nproc)" "$@"
