#!/usr/bin/env bash
# Benchmark: env up to all-ready, and the link proxy's added latency next to a direct connection.
# Usage: bash bench/environment/run.sh [number of environment starts, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/Reliability.Bench.Environment -- "${1:-3}"
