#!/usr/bin/env bash
# Run fuzz/run.sh on several targets one after the other, appending each run's statistics to fuzz/findings/summary.txt.
# Usage: fuzz/run-all.sh SECONDS [TARGET...]     (default: every folder of fuzz/corpus)
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: $0 SECONDS [TARGET...]}; shift
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=($(ls corpus))
mkdir -p findings
for t in "${targets[@]}"; do
  ./run.sh "$t" "$seconds" >> findings/summary.txt 2>&1
  echo "$t: exit $? at $(date -u +%FT%TZ)" >> findings/summary.txt
done
