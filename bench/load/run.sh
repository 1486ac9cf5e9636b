#!/usr/bin/env bash
# Benchmark of the load engine against wrk and its own targets.
# Usage: bash bench/load/run.sh [seconds per measurement, default 20] [closed-model rounds, default 3] [open]
# ("open" measures the open model alone)
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  else echo "wrk is missing. Run: sudo apt-get install -y wrk" >&2; exit 3; fi
fi
dotnet run -c Release --project bench/Reliability.Bench.Load -- "${1:-20}" "${2:-3}" ${3:+"$3"}
