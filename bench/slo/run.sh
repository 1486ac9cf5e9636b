#!/usr/bin/env bash
# `slo report` over 30 days of 15 s data backfilled with promtool. Usage: bash bench/slo/run.sh [runs, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v promtool >/dev/null || { echo "promtool is missing. Run: sudo apt-get install -y prometheus" >&2; exit 3; }
work=$(mktemp -d)
prometheus_pid=
cleanup() { [ -n "$prometheus_pid" ] && kill "$prometheus_pid" 2>/dev/null && wait "$prometheus_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
end=$(( $(date +%s) / 15 * 15 - 60 ))
python3 bench/slo/backfill.py "$work/data.om" "$end"
echo "backfill: $(wc -l < "$work/data.om") samples"
start=$(date +%s.%N)
promtool tsdb create-blocks-from openmetrics --max-block-duration=720h "$work/data.om" "$work/tsdb" >/dev/null
echo "promtool create-blocks: $(echo "$(date +%s.%N) - $start" | bc) s"
printf 'global:\n  scrape_interval: 15s\n' > "$work/prometheus.yml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --storage.tsdb.retention.time=3650d \
  --web.listen-address="127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null && break; sleep 0.2; done
dotnet build -c Release scenarios/Reliability.Cli -v q -nologo >/dev/null
at=$(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ)
for i in $(seq 1 "${1:-5}"); do
  dotnet scenarios/Reliability.Cli/bin/Release/net10.0/reliability.dll slo report --prometheus "http://127.0.0.1:$port" --at "$at" --output "$work/report" \
    | grep -E "Computed in" | sed "s/^/run $i: /"
done
