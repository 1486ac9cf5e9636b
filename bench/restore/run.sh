#!/usr/bin/env bash
# Benchmark: restoring the whole database from pgBackRest after it is lost, against its size. For each
# size (default 1, 10 and 100 MB of rows), N fresh Patroni clusters (default 5): the rows are loaded, a
# full backup taken, every member and its data destroyed, and the cluster bootstrapped again from the
# repository, then backed up on its new timeline and given its replica back. Min/median/max per step.
# Needs patroni, etcd-server and pgbackrest (apt-get install -y patroni etcd-server pgbackrest).
# Usage: bash bench/restore/run.sh [runs] [sizes in MB, comma-separated]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet run -c Release --project bench/Reliability.Bench.Restore -- "${1:-5}" "${2:-1,10,100}"
