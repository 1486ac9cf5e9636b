#!/usr/bin/env bash
# Benchmark: the Patroni cluster's bootstrap, failover after a node loss and rejoin, N fresh clusters
# (default 5), min/median/max. Needs patroni and etcd-server (apt-get install -y patroni etcd-server).
# Usage: bash bench/patroni/run.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/Reliability.Bench.Patroni -- "${1:-5}"
