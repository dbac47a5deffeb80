#!/usr/bin/env python3
"""Prints the per-client verdict tables of a harness report.json as Markdown (copied from the run, never typed)."""
import json
import sys

report = json.load(open(sys.argv[1], encoding="utf-8"))
print(f"Seed {report['seed']}, {len(report['runs'])} runs, wall {report['wallMs'] / 1000:.0f} s.\n")
for client in report["clients"]:
    print(f"### {client['name']}\n")
    print("| bug | verdict | runs exercised | evidence (deciding run) |")
    print("|---|---|---|---|")
    for bug, v in client["bugs"].items():
        evidence = v["evidence"].replace("|", "\\|").replace("\n", " ")
        if len(evidence) > 300:
            evidence = evidence[:300] + "..."
        print(f"| {bug} | **{v['verdict']}** | {v['runsExercised']} | {evidence} |")
    print()
