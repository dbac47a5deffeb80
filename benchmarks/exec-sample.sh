#!/usr/bin/env bash
# Proves the default suite's exec sample (harness.json execRecordings) gives the one-bug exec clients the verdicts
# they are built to get: it runs the clients of harness.clients.json and harness.clients.openai.json (each a program
# with one known bug, in Python and Node, plus correct ones) on the default suite's scenarios, recordings, sample and
# timeouts, with those files' expectations, and prints each suite's verdict table and PASSED or FAILED.
# Then, with CLIENTS="cmd1;cmd2" (absolute paths), it judges each command as a new user does (embedded suite, empty
# folder), once on the sample and once on every recording (`-r`, which turns sampling off), and says whether the
# verdicts are the same. CLIENT_FORMAT (default anthropic) is their --client-format. SUITES=0 skips the one-bug suites.
#
#   bash benchmarks/exec-sample.sh
#   CLIENTS="node $PWD/examples/clients/article-loop/index.mjs" bash benchmarks/exec-sample.sh
#
# SKIP_BUILD=1 skips `dotnet build`.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  dotnet build "$repo/src/TinyAgent.Harness" -c Release -v q -nologo >/dev/null
fi
dll="$repo/src/TinyAgent.Harness/bin/Release/net10.0/TinyAgent.Harness.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$repo"/.exec-sample-*.json' EXIT
status=0

suites=(harness.clients.json harness.clients.openai.json)
[[ "${SUITES:-1}" == 0 ]] && suites=()
for clients in "${suites[@]}"; do
  # The config sits in the repository, as the clients' commands are relative to it.
  config="$repo/.exec-sample-${clients%.json}.json"
  python3 - "$repo/harness.json" "$repo/$clients" "$config" <<'PY'
import json, re, sys
def load(path):
    return json.loads(open(path, encoding="utf-8").read())
suite, clients = load(sys.argv[1]), load(sys.argv[2])
suite.pop("$schema", None)
suite["clients"], suite["expectations"] = clients["clients"], clients["expectations"]
# Two verdicts differ from the one-bug suites' because the default suite's scenarios differ, sampled or not:
# lf-only's one bug (lines split on LF only) also fails the default suite's line-endings-cr (a wire variant), and
# done-parse is caught only when [DONE] shares a read with message_stop (harness.clients.json's done-marker-one-read);
# the default suite's done-marker paces it into a read of its own, after done-parse has stopped reading.
for name, expected in suite["expectations"].items():
    if name.endswith("-lf-only"):
        expected["wire-variants"] = "not-handled"
    if name.endswith("-done-parse"):
        expected["wire-variants"] = "handled"
suite["reports"] = {"formats": ["json", "md"], "out": "reports"}
open(sys.argv[3], "w", encoding="utf-8").write(json.dumps(suite, indent=2))
PY
  echo "== $clients on the default suite's exec sample"
  rc=0
  dotnet "$dll" run --config "$config" --out "$work/${clients%.json}" >"$work/console.txt" 2>&1 || rc=$?
  grep -vE "^(  |\r|\[)" "$work/console.txt" | grep -vE "^$" | sed 's/^/  /'
  [[ $rc -eq 0 ]] || status=1
done

IFS=';' read -r -a commands <<< "${CLIENTS:-}"
for command in "${commands[@]}"; do
  [[ -n "$command" ]] || continue
  for matrix in sample every; do
    rm -rf "$work/app" && mkdir "$work/app"
    # --recording with every embedded recording turns sampling off: the client runs the whole matrix.
    args=()
    [[ $matrix == every ]] && args=(-r 'recordings/*.sse' -r 'recordings/openai/*.sse')
    start=$(date +%s.%N)
    (cd "$work/app" && dotnet "$dll" run --client-exec "$command" --client-format "${CLIENT_FORMAT:-anthropic}" "${args[@]}" >"$work/console.txt" 2>&1) || true
    end=$(date +%s.%N)
    python3 - "$work/app/reports/report.json" "$matrix" "$start" "$end" "$work/verdicts-$matrix.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
client = next(c for c in report["clients"] if c["name"] == "exec")
runs = [r for r in report["runs"] if r["client"] == "exec"]
verdicts = ", ".join(f"{bug} {v['verdict']}" for bug, v in client["bugs"].items())
open(sys.argv[5], "w").write(verdicts)
print(f"  {sys.argv[2]:6s} {len(runs):4d} exec runs, {float(sys.argv[4]) - float(sys.argv[3]):6.1f} s: {verdicts}")
PY
  done
  if cmp -s "$work/verdicts-sample.txt" "$work/verdicts-every.txt"; then
    echo "  same verdicts: $command"
  else
    echo "  DIFFERENT verdicts: $command"
    status=1
  fi
done
exit $status
