#!/usr/bin/env bash
# Measure the worker pool's speed-up: the same 24-run sweep with --workers 1 and with --workers N (default 2),
# alternated REPEATS times (default 3) so that a busy machine affects both alike; the medians are compared.
# Usage: [REPEATS=5] scripts/speedup.sh [N] [extra run options...]   (after `npm run build`)
# Issue 4 asks for at least 1.7x with 2 workers on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
workers="${1:-2}"
shift || true
repeats="${REPEATS:-3}"
sweep=(--strategy unlocked,whole-lock,per-pte-deferred,unbatched --pte-pages 256,1024,4096 --vcpus 1,4 --no-report --quiet "$@")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Wall seconds of one run of the sweep with --workers $1.
time_run() {
  local start end
  start=$(date +%s%N)
  node dist/src/cli/main.js run "${sweep[@]}" --workers "$1" --out "$out/w$1" >/dev/null
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ones=()
manys=()
for ((i = 0; i < repeats; i++)); do
  ones+=("$(time_run 1)")
  manys+=("$(time_run "$workers")")
done
runs=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$out/w1/results.json','utf8')).runs.length)")
one=$(median "${ones[@]}")
many=$(median "${manys[@]}")
echo "runs: $runs, repeats: $repeats"
echo "--workers 1: ${ones[*]} s (median $one s)"
echo "--workers ${workers}: ${manys[*]} s (median $many s)"
echo "speed-up: $(awk -v a="$one" -v b="$many" 'BEGIN { printf "%.2f", a / b }')x"
