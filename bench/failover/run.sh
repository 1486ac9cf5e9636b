#!/usr/bin/env bash
# Asynchronous against synchronous replication: db-primary-kill (write-heavy load, Patroni's default
# asynchronous mode) and examples/db-primary-kill-sync (synchronous_mode: true), N runs each (default 5),
# one after the other on this machine. Prints per run the write RTO, the acknowledged writes lost and the
# data-loss window, from each run's result.json.
# Usage: bash bench/failover/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
dotnet build scenarios/Reliability.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
out="$(mktemp -d -t reliability-failover-bench.XXXXXX)"
for mode in async sync; do
  experiment=experiments/db-primary-kill.yaml
  [ "$mode" = sync ] && experiment=experiments/examples/db-primary-kill-sync.yaml
  for i in $(seq 1 "$runs"); do
    CI=true dotnet scenarios/Reliability.Cli/bin/Release/net10.0/reliability.dll run "$experiment" --output "$out/$mode-$i" >"$out/$mode-$i.log" 2>&1 || true
  done
done
python3 - "$out" "$runs" <<'PY'
import json, sys, os
out, runs = sys.argv[1], int(sys.argv[2])
print("| mode | run | outcome | write RTO | acknowledged writes checked | lost | loss window |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
totals = {}
for mode in ("async", "sync"):
    for i in range(1, runs + 1):
        path = os.path.join(out, f"{mode}-{i}", "result.json")
        if not os.path.exists(path):
            print(f"| {mode} | {i} | no result (see {out}/{mode}-{i}.log) | | | | |")
            continue
        r = json.load(open(path))
        rto = next((v["measured"] for v in r["verdicts"] if v["hypothesis"].startswith("write RTO")), "n/a")
        rpo = r.get("rpo") or {}
        lost = rpo.get("lost", "n/a")
        totals.setdefault(mode, []).append(lost)
        print(f"| {mode} | {i} | {'passed' if r['passed'] else 'FAILED'} | {rto} | {rpo.get('checked', 'n/a')} | {lost} | {rpo.get('lossWindowSeconds', 0):.1f} s |")
for mode, lost in totals.items():
    print(f"{mode}: {sum(x for x in lost if isinstance(x, int))} acknowledged writes lost over {len(lost)} runs")
print(f"reports: {out}")
PY
