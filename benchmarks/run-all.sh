#!/usr/bin/env bash
# Runs every end-to-end benchmark of NgsiFlow one after the other and keeps each one's last line (its JSON figures).
# Run it on an otherwise idle machine: the figures are wall-clock rates. Usage: benchmarks/run-all.sh [OUT-DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/artifacts/bench}"
mkdir -p "$out"
cd "$root"
./ngsiflow version >/dev/null

run() {
  local name=$1; shift
  echo "== $name: ./ngsiflow $*"
  ./ngsiflow "$@" 2>&1 | tee "$out/$name.log" | tail -n 25
  tail -n 1 "$out/$name.log" > "$out/$name.json"
}

run engine bench engine
run broker bench broker
run cluster bench cluster
run broker-one-by-one bench broker --pipeline-depth 1
run receiver-1k bench receiver
run receiver-100k bench receiver --body-bytes 102400 --seconds 5
run receiver-1m bench receiver --body-bytes 1048576 --seconds 5
run inference bench inference
run inference-onnxruntime bench inference --against onnxruntime
run demo-rate0 demo --no-dashboard --summary-json "$out/demo-rate0.summary.json"
run demo-rate200 demo --no-dashboard --rate 200 --summary-json "$out/demo-rate200.summary.json"
run detector demo detector --hits 5000000 --as-fast-as-possible --no-dashboard --summary-json "$out/detector.summary.json"
echo "figures in $out"
