#!/usr/bin/env bash
# Fuzz one target with AFL++ and SharpFuzz: publish the harness, instrument our assemblies in the published copy,
# run afl-fuzz on fuzz/corpus/TARGET for SECONDS. Findings land in fuzz/findings/TARGET (not committed).
# Usage: fuzz/run.sh TARGET SECONDS        (RESUME=1 continues an earlier run's queue instead of starting afresh)
# Exit: 0 = no crash and no hang, 1 = crashes or hangs found (listed), 2 = usage or setup error.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 TARGET SECONDS" >&2; exit 2; }
target=$1 seconds=$2
cd "$(dirname "$0")"
[ -d "corpus/$target" ] || { echo "no seeds in fuzz/corpus/$target" >&2; exit 2; }
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 2; }

bin=out/bin-$target
mkdir -p out
# Two runs may start at once (at most two in parallel on this machine): one build at a time.
(
  flock 9
  rm -rf "$bin"
  dotnet publish TlsEngine.Fuzz -c Release -o "$bin" --nologo -v quiet
  dotnet tool restore >/dev/null
  # Coverage of our own code and of the harnesses (a seed that stops in its harness, e.g. an unknown extension type,
  # must still show coverage: afl-fuzz aborts "No instrumentation detected" on a seed with an empty map). Program.cs
  # touches the harness library only inside Fuzzer.OutOfProcess.Run. Each dll is instrumented once (sharpfuzz
  # refuses a second time).
  for dll in TlsEngine.Crypto TlsEngine.Record TlsEngine.X509 TlsEngine TlsEngine.Fuzz.Targets; do
    dotnet sharpfuzz "$bin/$dll.dll" >/dev/null
  done
) 9> out/.publish.lock

findings=findings/$target
if [ "${RESUME:-0}" = 1 ] && [ -d "$findings/default/queue" ]; then input=-; else rm -rf "$findings"; input=corpus/$target; fi
mkdir -p "$findings"
rc=0
# Unbounded allocation is a finding: past 512 MiB of managed heap the harness dies with OutOfMemoryException.
DOTNET_GCHeapHardLimit=0x20000000 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  timeout "$seconds" afl-fuzz -i "$input" -o "$findings" -t 5000 -m none -- "$(command -v dotnet)" "$bin/TlsEngine.Fuzz.dll" "$target" \
  > "$findings/afl.log" 2>&1 || rc=$?
# timeout's 124 is the normal end of a timed run.
[ "$rc" = 0 ] || [ "$rc" = 124 ] || { tail -20 "$findings/afl.log" >&2; exit 2; }

stats=$findings/default/fuzzer_stats
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|saved_crashes|saved_hangs|stability|bitmap_cvg) ' "$stats" \
  | sed "s/^/$target: /"
found=$(find "$findings/default/crashes" "$findings/default/hangs" -name 'id:*' 2>/dev/null | sort)
if [ -n "$found" ]; then
  echo "$target: findings (replay one with: dotnet $bin/TlsEngine.Fuzz.dll $target < FILE):"
  echo "$found"
  exit 1
fi
