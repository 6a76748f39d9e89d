#!/usr/bin/env bash
# Whole-process figures of the policyattach tool on the scale worlds (docs/performance.md, "Reading and writing at
# scale" and "Commands whose output grows with the input"): wall time, CPU time and peak resident memory measured
# with GNU time (/usr/bin/time).
#
# Usage: benchmarks/scale.sh [BEFORE]
#   Publishes the tool from the working tree and, when BEFORE (a commit) is given, from that commit too, in a
#   temporary folder outside the repository; writes the two worlds there; then runs each command three times,
#   before and after in turn, so that a change in the machine's load touches both alike. Record the load printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tools=(after)
dotnet publish "$root/src/PolicyAttach.Cli" -c Release -o "$work/after" > /dev/null
if [ $# -ge 1 ]; then
  mkdir "$work/source"
  git -C "$root" archive "$1" | tar -x -C "$work/source"
  dotnet publish "$work/source/src/PolicyAttach.Cli" -c Release -o "$work/before" > /dev/null
  tools=(before after)
fi
dotnet run -c Release --project "$root/benchmarks/PolicyAttach.Benchmarks" -- worlds "$work/worlds" > /dev/null
cd "$work/worlds"
ls -l
for command in "status world-10k.json" "validate routes-50k.yaml" "status routes-50k.yaml" \
  "validate gateway-50k.json" "explain gateway-50k.json gateway/default/gw" "explain gateway-50k.json gateway/default/gw -o json" \
  "explain gateway-50k.json gateway/default/gw -o yaml" "graph gateway-50k.json" "graph gateway-50k.json -o json" \
  "graph gateway-50k.json -o yaml" "diff gateway-50k.json gateway-50k-changed.json"; do
  for run in 1 2 3; do
    for tool in "${tools[@]}"; do
      echo "load: $(uptime)"
      # shellcheck disable=SC2086 # the command is its words
      /usr/bin/time -f "$tool $command (run $run): %e s wall, %U s user, %S s sys, %M KB peak RSS, exit %x" \
        dotnet "$work/$tool/PolicyAttach.Cli.dll" $command > /dev/null 2> "$work/stderr" || true
      tail -n 1 "$work/stderr"
    done
  done
done
