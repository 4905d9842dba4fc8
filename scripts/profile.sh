#!/usr/bin/env bash
# Profile the simulator: a thin wrapper over `pinbench profile` that builds first.
# Usage: scripts/profile.sh [SUITE] [--tool flame|doctor|cpuprofile] [run options...]
# Output goes to reports/profile/ (clinic HTML, or one .cpuprofile per thread).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
exec node dist/src/cli/main.js profile "$@"
