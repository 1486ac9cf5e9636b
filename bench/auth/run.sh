#!/usr/bin/env bash
# Benchmark: KDF cost per login, and authenticated against anonymous throughput, in one run.
# Usage: bash bench/auth/run.sh [wrk duration, default 10s]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
  else echo "wrk is missing. Run: sudo apt-get install -y wrk" >&2; exit 3; fi
fi
dotnet run -c Release --project bench/Reliability.Bench.Auth -- "${1:-10s}"
