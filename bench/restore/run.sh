#!/usr/bin/env bash
# Benchmark: disaster recovery from pgBackRest, in one command, side by side.
# 1. Restore time against database size: for each size (default 1, 10 and 100 MB of rows), N fresh Patroni
#    clusters (default 5): the rows are loaded, a full backup taken, every member and its data destroyed, and
#    the cluster bootstrapped again from the repository, then backed up on its new timeline and given its
#    replica back. Min/median/max per step.
# 2. RTO and RPO of the two shipped disaster-recovery experiments, N runs each: db-restore-backup (the newest
#    backup only) and db-restore-pitr (to the end of the archived WAL), from each run's journal: the user's
#    RTO, the write RTO, each runbook step's duration, the acknowledged writes lost and the data-loss window.
# Needs patroni, etcd-server and pgbackrest (apt-get install -y patroni etcd-server pgbackrest).
# Usage: bash bench/restore/run.sh [runs] [sizes in MB, comma-separated, or none] [experiments: yes|no]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-5}"
sizes="${2:-1,10,100}"
if [ "$sizes" != "none" ]; then
  dotnet run -c Release --project bench/Reliability.Bench.Restore -- "$runs" "$sizes"
fi
[ "${3:-yes}" = "yes" ] || exit 0
dotnet build scenarios/Reliability.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
out="$(mktemp -d -t reliability-restore-bench.XXXXXX)"
for experiment in db-restore-backup db-restore-pitr; do
  for i in $(seq 1 "$runs"); do
    CI=true dotnet scenarios/Reliability.Cli/bin/Release/net10.0/reliability.dll run "experiments/$experiment.yaml" --output "$out/$experiment-$i" >"$out/$experiment-$i.log" 2>&1 || true
  done
done
python3 - "$out" "$runs" <<'PY'
import json, os, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def journal(folder):
    events = []
    with open(os.path.join(folder, "journal.jsonl")) as f:
        for line in f:
            events.append(json.loads(line))
    return events
def seconds(text):
    return float(text.split()[0]) if text and text.endswith(" s") else None
print("| experiment | run | outcome | RTO (users) | write RTO | restore | full backup | replicas | lost writes | data-loss window | restore point before the disaster |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
summary = {}
for experiment in ("db-restore-backup", "db-restore-pitr"):
    for i in range(1, runs + 1):
        folder = os.path.join(out, f"{experiment}-{i}")
        if not os.path.exists(os.path.join(folder, "journal.jsonl")):
            print(f"| {experiment} | {i} | no journal (see {folder}.log) | | | | | | | | |")
            continue
        events = journal(folder)
        verdicts = {e["hypothesis"]: e for e in events if e["type"] == "verdict"}
        rto = next((seconds(v.get("measured")) for h, v in verdicts.items() if h.startswith("RTO")), None)
        write_rto = next((seconds(v.get("measured")) for h, v in verdicts.items() if h.startswith("write RTO")), None)
        steps = {e["action"]: e["seconds"] for e in events if e["type"] == "runbook-step-end"}
        rpo = next((e for e in events if e["type"] == "rpo"), {})
        window = 0.0
        if rpo.get("firstLostAck"):
            from datetime import datetime
            window = (datetime.fromisoformat(rpo["lastLostAck"]) - datetime.fromisoformat(rpo["firstLostAck"])).total_seconds()
        ended = next((e for e in events if e["type"] == "experiment-end"), {})
        point = next((e for e in events if e["type"] == "restore-point"), {})
        destroyed = next((e for e in events if e["type"] == "database-destroyed"), {})
        behind = None
        if point.get("restorePoint") and destroyed.get("at"):
            from datetime import datetime
            behind = (datetime.fromisoformat(destroyed["at"]) - datetime.fromisoformat(point["restorePoint"])).total_seconds()
        row = summary.setdefault(experiment, {"rto": [], "write": [], "restore": [], "lost": [], "window": [], "behind": []})
        for key, value in (("rto", rto), ("write", write_rto), ("restore", steps.get("restore")), ("lost", rpo.get("lost")), ("window", window), ("behind", behind)):
            if value is not None:
                row[key].append(value)
        fmt = lambda v: "n/a" if v is None else f"{v:.1f} s"
        print(f"| {experiment} | {i} | {'passed' if ended.get('passed') else 'FAILED'} | {fmt(rto)} | {fmt(write_rto)} | {fmt(steps.get('restore'))} | {fmt(steps.get('backup'))} | {fmt(steps.get('replicas'))} | {rpo.get('lost', 'n/a')} | {window:.1f} s | {fmt(behind)} |")
print()
print("| experiment | median RTO (users) | median write RTO | median restore step | median lost writes | median data-loss window | median restore point before the disaster |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
med = lambda xs: f"{statistics.median(xs):.1f}" if xs else "n/a"
for experiment, row in summary.items():
    print(f"| {experiment} | {med(row['rto'])} s | {med(row['write'])} s | {med(row['restore'])} s | {med(row['lost'])} | {med(row['window'])} s | {med(row['behind'])} s |")
print(f"journals: {out}")
PY
