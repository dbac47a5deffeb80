#!/usr/bin/env bash
# Times one exec client on the embedded default suite as a new user runs it: in an empty temporary folder (no
# harness.json, so the suite embedded in the harness is used), from the command to its exit (the verdict table is
# printed just before). Prints the wall time, the phases the harness reports, and the exec client's runs: how many,
# median and mean run time, outcomes, verdicts.
#
#   bash benchmarks/your-client.sh "node $PWD/examples/clients/article-loop/index.mjs"
#   bash benchmarks/your-client.sh "node $PWD/examples/clients/anthropic-node/index.mjs"   # after npm ci there
#
# The command runs in the temporary folder, so give it absolute paths. ROUNDS (default 1) repeats the measurement.
# SKIP_BUILD=1 skips `dotnet build`.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: bash benchmarks/your-client.sh \"COMMAND\"" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${ROUNDS:-1}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build "$repo/src/TinyAgent.Harness" -c Release -v q -nologo >/dev/null
fi
dll="$repo/src/TinyAgent.Harness/bin/Release/net10.0/TinyAgent.Harness.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/app" "$work/cpu.txt" && mkdir "$work/app"
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  start=$(date +%s.%N)
  rc=0
  # CPU of the harness and every client process it waited for (GNU time, when installed).
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "%U %S" -o "$work/cpu.txt")
  (cd "$work/app" && "${timer[@]}" dotnet "$dll" run --client-exec "$1" >"$work/console.txt" 2>&1) || rc=$?
  end=$(date +%s.%N)
  echo "round $r: exit $rc, load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E "^(tinyagent-harness:|preflight:|note: exec|controls |[0-9]+ runs in |self-check)" "$work/console.txt" | sed 's/^/  /'
  python3 - "$work/app/reports/report.json" "$start" "$end" "$work/cpu.txt" <<'PY'
import collections, json, os, statistics, sys
report = json.load(open(sys.argv[1]))
wall = float(sys.argv[3]) - float(sys.argv[2])
if os.path.exists(sys.argv[4]):
    cpu = sum(float(x) for x in open(sys.argv[4]).read().split()[-2:])
    print(f"  CPU, harness and clients: {cpu:.1f} s ({cpu / wall:.2f} cores busy)")
runs = [r for r in report["runs"] if r["client"] == "exec"]
times = sorted(((r.get("timings") or {}).get("totalMs") or 0) / 1000 for r in runs)
outcomes = collections.Counter(r["outcome"] for r in runs)
print(f"  wall, command to exit: {wall:.1f} s (report wallMs {report['wallMs'] / 1000:.1f} s)")
if times:
    print(f"  exec runs: {len(runs)}, median {statistics.median(times):.2f} s, mean {statistics.mean(times):.2f} s, "
          f"longest {times[-1]:.2f} s; outcomes: " + ", ".join(f"{n} {o}" for o, n in outcomes.most_common()))
client = next((c for c in report["clients"] if c["name"] == "exec"), None)
if client:
    print("  verdicts: " + ", ".join(f"{bug} {v['verdict']}" for bug, v in client["bugs"].items()))
PY
done
