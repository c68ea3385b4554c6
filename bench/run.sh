#!/usr/bin/env bash
# Runs the TlsEngine benchmark suite (BenchmarkDotNet, Release) and prints one line per figure:
#   NAME (UNIT): ours X, sslstream Y, bouncycastle Z      ('-' where a library cannot do the work)
# Usage: bench/run.sh [--quick] [--wall] [BenchmarkDotNet args...]
#   --quick   short job (2 warm-ups, 5 iterations of 200 ms per case) and 1000 idle connections: under 5 minutes
#   --wall    measure wall-clock time instead of process CPU time (the default; see bench/README.md)
#   FILTER='*Bulk*' bench/run.sh --quick   a subset (the figures of the other cases then print '-')
#   FILTER='*HsmHandshake*' bench/run.sh   the SoftHSM handshake benchmarks (out of process, wall clock; not in the default set)
# Results: BenchmarkDotNet.Artifacts/results/ (JSON, CSV, Markdown, HTML reports; extra-*.json and extra.txt from the
# measurements outside BenchmarkDotNet) under the repository root; the BenchmarkDotNet log in BenchmarkDotNet.Artifacts/run.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quick=0
bdn=()
for a in "$@"; do
  case "$a" in
    --quick) quick=1; bdn+=(--quick) ;;
    *) bdn+=("$a") ;;
  esac
done
start=$(date +%s)
dotnet build bench/TlsEngine.Bench -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
dll=bench/TlsEngine.Bench/bin/Release/net10.0/TlsEngine.Bench.dll
results=BenchmarkDotNet.Artifacts/results
mkdir -p "$results"
rm -f "$results"/extra-*.json
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
log=BenchmarkDotNet.Artifacts/run.log
if [ "$quick" = 1 ]; then idle=600; split=200; tcpmb=500; else idle=2000; split=1000; tcpmb=2000; fi
# By default every class except HsmHandshakeBenchmarks (it needs softhsm2 and a process per case).
default_filter=()
for c in ChainValidation Handshake ResumedHandshake Bulk Parse Floor; do default_filter+=("TlsEngine.Bench.${c}Benchmarks.*"); done
if [ -n "${FILTER:-}" ]; then filter=("$FILTER"); else filter=("${default_filter[@]}"); fi
if ! dotnet "$dll" --filter "${filter[@]}" "${bdn[@]}" >"$log" 2>&1; then
  tail -40 "$log"
  echo "benchmarks failed; full log in $log" >&2
  exit 1
fi
grep -E '^\| |^Global total time' "$log" | grep -v -- '---' || true
extra="$results/extra.txt"
if [ -z "${FILTER:-}" ]; then
  {
    for lib in ours sslstream bouncycastle; do dotnet "$dll" idle "$lib" "$idle"; done
    # Five rounds taking turns; each library's figure is the median of its rounds (see TcpBulk.cs); "tcp" is the
    # same transfer without TLS (16 KiB writes and reads on the sockets), for comparison.
    for round in 1 2 3 4 5; do
      for lib in ours sslstream bouncycastle ourspipe tcp; do dotnet "$dll" tcpbulk "$lib" "$tcpmb" "$round"; done
    done
    for lib in ours sslstream; do dotnet "$dll" tcpidle "$lib" "$idle"; done
    dotnet "$dll" split "$split"
    dotnet "$dll" interleaved "$split"
    if [ "$quick" = 0 ]; then dotnet "$dll" allocs 2000; fi
  } >"$extra"
  # Full runs show where our handshake's time and allocation go.
  if [ "$quick" = 0 ]; then grep -vE '^(idle|split|interleaved|tcpbulk-[a-z]+):' "$extra"; fi
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); run took $(( $(date +%s) - start )) s"
echo
dotnet "$dll" figures "$results"
