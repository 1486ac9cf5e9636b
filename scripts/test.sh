#!/usr/bin/env bash
# Runs every test of the solution, the way CI does.
# It installs what the tests need when it is missing (as root, with apt-get), or names the command to run.
# It ends with one line "Tests: N passed, N failed, N skipped" and fails if any process the tests
# started is still running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
{ command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; } || need+=(postgresql)
command -v python3 >/dev/null || need+=(python3)
command -v setpriv >/dev/null || need+=(util-linux)
command -v kubectl >/dev/null || need+=(kubectl)
[ -x /usr/bin/prometheus ] || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
/usr/bin/python3 -c 'import botocore' 2>/dev/null || need+=(python3-botocore)
command -v aws >/dev/null || need+=(awscli)
{ [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-browser ]; } || need+=(chromium)
command -v patroni >/dev/null || need+=(patroni)
command -v etcd >/dev/null || need+=(etcd-server)
command -v pgbackrest >/dev/null || need+=(pgbackrest)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${need[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "Missing test prerequisites. Run: sudo apt-get install -y ${need[*]}" >&2
    exit 3
  fi
fi

# Every run directory the tests create goes under one folder, so leaks can be found by path.
RELIABILITY_RUNS="$(mktemp -d -t reliability-test-runs.XXXXXX)"
export RELIABILITY_RUNS
log="$(mktemp -t reliability-test-log.XXXXXX)"
trap 'rm -rf "$RELIABILITY_RUNS" "$log"' EXIT

dotnet build Reliability.sln -c Release -nologo -clp:ErrorsOnly
set +e
# One test project at a time: several start real process fleets, and timing assertions need the cores.
# Each test's result and duration is printed: the suite must stay under 40 minutes, and this shows where the time goes.
dotnet test Reliability.sln -c Release --no-build --nologo -m:1 --blame-hang-timeout 10m --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Each project ends with "Total tests: N", then "     Passed: N", "     Failed: N", "    Skipped: N" (those that occurred).
summary=$(awk '/^ +Passed: +[0-9]+$/ {p+=$2} /^ +Failed: +[0-9]+$/ {f+=$2} /^ +Skipped: +[0-9]+$/ {s+=$2} END {printf "%d passed, %d failed, %d skipped", p, f, s}' "$log")
# CI shows only the end of this output: repeat each failed test's name and message just above the summary.
awk '/^ +Failed [A-Za-z_][A-Za-z0-9_.]+/ {show=1; n=0; shown++; if (shown > 5) exit}
     /^ +Stack Trace:/ {show=0}
     show && n++ < 20' "$log" | sed 's/^/FAILED> /'
echo "Tests: ${summary:-0 passed, 0 failed, 0 skipped}"

leaked=$(ps -eo pid=,args= | grep -F -e "$RELIABILITY_RUNS" -e "$(pwd)/tests/" | grep -v -e grep -e 'dotnet test' -e testhost || true)
if [ -n "$leaked" ]; then
  echo "Processes started by the tests are still running:" >&2
  echo "$leaked" >&2
  exit 1
fi
exit "$status"
