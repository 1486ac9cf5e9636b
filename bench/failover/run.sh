#!/usr/bin/env bash
# Asynchronous against synchronous replication, N runs each (default 5), one after the other:
#   plain:   db-primary-kill (write-heavy load, Patroni's default asynchronous mode) and
#            examples/db-primary-kill-sync (synchronous_mode: true);
#   lagging: the same loss of the primary while replication is delayed 500 ms each way
#            (examples/db-lagging-primary-kill and its -sync twin), where asynchronous mode loses writes.
# Prints per run the write RTO, the acknowledged writes lost and the data-loss window, from result.json.
# Usage: bash bench/failover/run.sh [runs] [plain|lagging|all]   (default: 5 all)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
set_="${2:-all}"
declare -A experiments=(
  [async]=experiments/db-primary-kill.yaml
  [sync]=experiments/examples/db-primary-kill-sync.yaml
  [lagging-async]=experiments/examples/db-lagging-primary-kill.yaml
  [lagging-sync]=experiments/examples/db-lagging-primary-kill-sync.yaml
)
case "$set_" in
  plain) modes="async sync" ;;
  lagging) modes="lagging-async lagging-sync" ;;
  *) modes="async sync lagging-async lagging-sync" ;;
esac
dotnet build scenarios/Reliability.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
out="$(mktemp -d -t reliability-failover-bench.XXXXXX)"
for mode in $modes; do
  experiment="${experiments[$mode]}"
  for i in $(seq 1 "$runs"); do
    CI=true dotnet scenarios/Reliability.Cli/bin/Release/net10.0/reliability.dll run "$experiment" --output "$out/$mode-$i" >"$out/$mode-$i.log" 2>&1 || true
  done
done
python3 - "$out" "$runs" $modes <<'PY'
import json, sys, os
out, runs, modes = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print("| mode | run | outcome | write RTO | acknowledged writes checked | lost | loss window |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
totals = {}
for mode in modes:
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
