#!/usr/bin/env bash
# One command: install dependencies, build, and launch the studio on the bundled demo model.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/packaging/setup.sh"
exec "$root/build/release/app/stillmotion" "$@"
