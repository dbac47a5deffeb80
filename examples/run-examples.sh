#!/usr/bin/env bash
# Installs the example exec clients and runs them through the examples suite (docs/exec.md).
# Usage: examples/run-examples.sh [extra `run` options, e.g. --client fetch-loop --scenario baseline]
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build -c Release examples/clients/anthropic-dotnet
dotnet build -c Release examples/clients/openai-dotnet
dotnet build -c Release examples/clients/meai-dotnet
dotnet build -c Release examples/clients/tinyagent
if command -v node >/dev/null && command -v npm >/dev/null; then
  (cd examples/clients/anthropic-node && npm ci --no-audit --no-fund)
  (cd examples/clients/openai-node && npm ci --no-audit --no-fund)
else
  echo "node/npm not found: the anthropic-node and fetch-loop clients will crash (exec cannot start them)" >&2
fi

dotnet run --project src/TinyAgent.Harness -- run --config harness.examples.json --out reports/examples "$@"
# The OpenAI SDKs on the OpenAI recordings (docs/verdicts.md, "OpenAI formats").
dotnet run --project src/TinyAgent.Harness -- run --config harness.examples.openai.json --out reports/examples-openai "$@"
