#!/usr/bin/env bash
# Times the default suite (harness.json) end to end, then splits it into the scenarios that only move bytes
# (harness overhead) and those whose wall time is scripted waiting (latency, recorded timing, stalls, give-up
# with its linger). Prints wall time and runs/s for each. Usage: bash benchmarks/suite-speed.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
dotnet build src/TinyAgent.Harness -c Release -v q -nologo >/dev/null
dll=src/TinyAgent.Harness/bin/Release/net10.0/TinyAgent.Harness.dll
out=$(mktemp -d)
waiting=(recorded-timing split-utf8-jitter stall stall-pings give-up)
moving=(baseline bytewise fixed-7 random-slices split-protocol error-event max-tokens drop-reset drop-clean-midframe http-529-then-ok garbage-unknown-types)

measure() { # label, then run args
  local label=$1; shift
  for r in $(seq "$rounds"); do
    local start end runs
    start=$(date +%s.%N)
    dotnet "$dll" run --out "$out/$label" "$@" >/dev/null || true # a subset cannot meet every expectation
    end=$(date +%s.%N)
    runs=$(python3 -c "import json;print(len(json.load(open('$out/$label/report.json'))['runs']))")
    python3 -c "w=$end-$start;print(f'{\"$label\":<10} round $r: {$runs:4d} runs in {w:5.2f} s wall ({$runs/w:6.1f} runs/s, process start included)')"
  done
}

measure all
measure moving $(printf -- '--scenario %s ' "${moving[@]}")
measure waiting $(printf -- '--scenario %s ' "${waiting[@]}")
rm -rf "$out"
