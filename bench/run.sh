#!/usr/bin/env bash
# Runs the TlsEngine benchmarks (BenchmarkDotNet, Release). Usage: bench/run.sh [--quick] [BenchmarkDotNet args...]
#   --quick   a short job (3 warm-ups, 3 iterations): a few minutes, coarser numbers
# Results: BenchmarkDotNet.Artifacts/results/*.md (and .csv/.html) under the current directory.
set -euo pipefail
cd "$(dirname "$0")/.."
job=()
if [ "${1:-}" = "--quick" ]; then
  job=(--job short)
  shift
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run -c Release --project bench/TlsEngine.Bench -- --filter "${FILTER:-*}" "${job[@]}" "$@"
