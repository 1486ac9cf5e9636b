#!/usr/bin/env bash
# Sharded load, side by side in one run against one trivial endpoint in its own process:
#  1. closed model, 32 users: one generator, then the same users split across 2 local shards (`--shards 2`), then
#     the same 2 shards with runtimes sized for every core, in alternating rounds; the medians' ratio is what
#     sharding costs or gains on this machine;
#  2. open model at 5,000/s split across 2 shards: the merged rate against the target rate.
# Each closed-model measurement excludes its first 5 s (every runtime has compiled its hot paths by then).
# Usage: bash bench/shards/run.sh [seconds per measurement, default 15] [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-15}"
rounds="${2:-5}"
dotnet build bench/Reliability.Bench.Load -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build scenarios/Reliability.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
cli=(dotnet scenarios/Reliability.Cli/bin/Release/net10.0/reliability.dll)
work="$(mktemp -d -t bench-shards.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet bench/Reliability.Bench.Load/bin/Release/net10.0/Reliability.Bench.Load.dll serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  grep -q '^listening ' "$work/server.log" && break
  sleep 0.1
done
url="$(sed -n 's/^listening //p' "$work/server.log" | head -1)"
[ -n "$url" ] || { echo "the target did not start: $(cat "$work/server.log")" >&2; exit 3; }
echo "target $url/ok (separate process), $(nproc) cores, ${seconds} s per measurement, $rounds rounds"

field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"r": r}))' "$1" "$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Warm the target once, unreported.
"${cli[@]}" load http --target "$url/ok" --users 32 --duration 5s --output "$work/warm" >/dev/null

# Three arms a round: one generator; 2 shards as shipped (each runtime told its share of the cores); 2 shards whose
# runtimes each size themselves for every core (DOTNET_PROCESSOR_COUNT=nproc, what shards did before).
one=(); two=(); wide=()
for round in $(seq 1 "$rounds"); do
  "${cli[@]}" load http --target "$url/ok" --users 32 --duration "${seconds}s" --warmup 5s --output "$work/one-$round" >/dev/null
  one+=("$(field "$work/one-$round/load-result.json" 'r["summary"]["rps"]')")
  "${cli[@]}" load http --target "$url/ok" --users 32 --duration "${seconds}s" --warmup 5s --shards 2 --output "$work/two-$round" >/dev/null
  two+=("$(field "$work/two-$round/load-result.json" 'r["summary"]["rps"]')")
  DOTNET_PROCESSOR_COUNT="$(nproc)" "${cli[@]}" load http --target "$url/ok" --users 32 --duration "${seconds}s" --warmup 5s --shards 2 --output "$work/wide-$round" >/dev/null
  wide+=("$(field "$work/wide-$round/load-result.json" 'r["summary"]["rps"]')")
done
m1="$(median "${one[@]}")"; m2="$(median "${two[@]}")"; m3="$(median "${wide[@]}")"
echo
ratios=(); wides=()
for i in "${!one[@]}"; do
  ratios+=("$(python3 -c "print(f'{${two[$i]}/${one[$i]}:.2f}')")")
  wides+=("$(python3 -c "print(f'{${wide[$i]}/${one[$i]}:.2f}')")")
done
echo "## closed model, 32 users, GET /ok"
echo "req/s per round: one generator ${one[*]}; 2 shards ${two[*]}; 2 shards sized for every core ${wide[*]}"
echo "ratio per round: 2 shards ${ratios[*]}; sized for every core ${wides[*]}"
echo "| generators | req/s (median) | ratio to one |"
echo "| ---: | ---: | ---: |"
echo "| 1 | $m1 | 1.00 |"
echo "| 2 shards | $m2 | $(python3 -c "print(f'{$m2/$m1:.2f}')") (target >= 0.95) |"
echo "| 2 shards, each runtime sized for every core | $m3 | $(python3 -c "print(f'{$m3/$m1:.2f}')") |"

echo
echo "## open model, 5,000/s split across 2 shards, GET /ok"
echo "| round | target rate | merged rate | error | dropped | p99 |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$rounds"); do
  "${cli[@]}" load http --target "$url/ok" --rate 5000 --max-concurrent 2000 --duration "${seconds}s" --shards 2 --output "$work/open-$round" >/dev/null
  r="$work/open-$round/load-result.json"
  rate="$(field "$r" 'r["summary"]["count"] / r["measuredSeconds"]')"
  echo "| $round | 5000 | $(python3 -c "print(f'{$rate:.1f}')") | $(python3 -c "print(f'{100*($rate-5000)/5000:+.2f}%')") | $(field "$r" 'r["dropped"]') | $(field "$r" 'r["summary"]["latency"]["p99"]') ms |"
done
