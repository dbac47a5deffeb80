#!/usr/bin/env bash
# Stability of the one-bug clients suite (harness.clients.json): runs it QUIET_RUNS times (5) in a row at its
# configured parallelism, then LOADED_RUNS times (2) while every core is kept busy by a CPU hog this script starts
# (one `while :; do :; done` loop per core, killed on exit, Ctrl+C included), and checks that every client's
# verdict on every concern is the same in all runs. Prints per run the wall time, the load average and the verdict
# table; at the end "stable: N of N runs identical" (exit 0) or the differences (exit 1).
#
#   bash benchmarks/stability.sh                      # the full suite, 5 + 2 runs
#   QUIET_RUNS=1 LOADED_RUNS=1 bash benchmarks/stability.sh --scenario baseline --scenario stall
#
# Extra arguments go to `run` (a subset: --scenario, --recording, --client). OUT (default /tmp/stability) keeps
# every run's report.json and console output. SKIP_BUILD=1 skips `dotnet build`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
config="${CONFIG:-harness.clients.json}"
quiet_runs="${QUIET_RUNS:-5}"
loaded_runs="${LOADED_RUNS:-2}"
out="${OUT:-/tmp/stability}"
total=$((quiet_runs + loaded_runs))

for tool in python3 node dotnet; do
  command -v "$tool" >/dev/null || { echo "stability: $tool is not on PATH" >&2; exit 2; }
done

hog_pids=()
shim_dir=""
stop_hog() {
  local pid
  for pid in "${hog_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${hog_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  hog_pids=()
}
cleanup() {
  stop_hog
  [[ -n "$shim_dir" ]] && rm -rf "$shim_dir"
}
trap cleanup EXIT
trap 'echo "stability: interrupted" >&2; exit 130' INT TERM

# python3 behind a pyenv shim costs ~0.5 CPU-s per start (a bash script plus `pyenv exec`), ~10x the interpreter
# itself; with ~2000 Python runs per suite that alone saturates 2 cores. The suite keeps "python3" in its
# commands; here the harness's PATH resolves it straight to the interpreter the shim would have picked.
shim_dir="$(mktemp -d)"
ln -s "$(python3 -c 'import sys; print(sys.executable)')" "$shim_dir/python3"
export PATH="$shim_dir:$PATH"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build TinyAgent.slnx -c Release -v q -nologo >/dev/null
fi

rm -rf "$out"
mkdir -p "$out"
echo "stability: $config, $quiet_runs quiet + $loaded_runs loaded runs, $(nproc) cores, parallelism $(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('parallelism', 16))" "$config")${*:+, args: $*}"

for ((i = 1; i <= total; i++)); do
  label=quiet
  if ((i > quiet_runs)); then
    label=loaded
    if ((${#hog_pids[@]} == 0)); then
      for ((c = 0; c < $(nproc); c++)); do
        sh -c 'while :; do :; done' &
        hog_pids+=("$!")
      done
      sleep 2  # let the load average notice
    fi
  fi
  dir="$out/run-$i"
  mkdir -p "$dir"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  set +e
  dotnet run --project src/TinyAgent.Harness -c Release --no-build -- run --config "$config" --out "$dir" "$@" >"$dir/console.txt" 2>&1
  code=$?
  set -e
  end=$(date +%s.%N)
  load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
  wall=$(python3 -c "print(f'{$end - $start:.1f}')")
  echo
  echo "== run $i of $total ($label): wall ${wall} s, exit $code, load average before $load_before, after $load_after"
  if [[ ! -f "$dir/report.json" ]]; then
    echo "   no report.json; last lines of the output:"
    tail -5 "$dir/console.txt" | sed 's/^/   /'
    continue
  fi
  python3 - "$dir/report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
bugs = ["baseline", "split-packet", "silent-truncation", "ghost-stream", "stall", "retry", "wire-variants"]
print(f"   report wallMs {r['wallMs'] / 1000:.1f} s, {len(r['runs'])} runs, passed {r['passed']}")
print("   " + f"{'client':<22}" + "".join(f"{b:<18}" for b in bugs))
for c in r["clients"]:
    cells = []
    for b in bugs:
        v = c["bugs"].get(b, {})
        mark = "" if v.get("met", True) else "*"
        cells.append(f"{v.get('verdict', '-') + mark:<18}")
    print("   " + f"{c['name']:<22}" + "".join(cells))
if r.get("expectationFailures"):
    print("   * unmet expectation: " + "; ".join(r["expectationFailures"]))
EOF
done

stop_hog
echo
python3 - "$out" "$total" <<'EOF'
import json, os, sys
out, total = sys.argv[1], int(sys.argv[2])
tables = {}
for i in range(1, total + 1):
    path = os.path.join(out, f"run-{i}", "report.json")
    if os.path.exists(path):
        r = json.load(open(path))
        tables[i] = {(c["name"], b): v["verdict"] for c in r["clients"] for b, v in c["bugs"].items()}
missing = [i for i in range(1, total + 1) if i not in tables]
keys = sorted(set().union(*tables.values())) if tables else []
diffs = [(k, {i: t.get(k, "-") for i, t in tables.items()}) for k in keys if len({t.get(k, "-") for t in tables.values()}) > 1]
same = sum(1 for t in tables.values() if tables and t == next(iter(tables.values())))
if not missing and not diffs:
    print(f"stable: {total} of {total} runs identical")
    sys.exit(0)
print(f"NOT stable: {same} of {total} runs identical to run {min(tables) if tables else '-'}")
for i in missing:
    print(f"  run {i}: no report.json")
for (client, bug), by_run in diffs:
    print(f"  {client} {bug}: " + ", ".join(f"run {i} {v}" for i, v in sorted(by_run.items())))
sys.exit(1)
EOF
