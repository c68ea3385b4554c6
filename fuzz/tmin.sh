#!/usr/bin/env bash
# Minimise a crashing input with afl-tmin against the instrumented build of fuzz/run.sh, and add it as a regression.
# Usage: fuzz/tmin.sh TARGET CRASHFILE NAME   -> fuzz/regressions/TARGET/NAME (plain name: letters, digits, - and _)
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 TARGET CRASHFILE NAME" >&2; exit 2; }
target=$1 crash=$(realpath "$2") name=$3
cd "$(dirname "$0")"
bin=out/bin-$target
[ -f "$bin/TlsEngine.Fuzz.dll" ] || { echo "run fuzz/run.sh $target first (it builds $bin)" >&2; exit 2; }
mkdir -p "regressions/$target"
AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  afl-tmin -i "$crash" -o "regressions/$target/$name" -t 5000 -m none -- "$(command -v dotnet)" "$bin/TlsEngine.Fuzz.dll" "$target"
echo "regressions/$target/$name: $(stat -c %s "regressions/$target/$name") bytes (was $(stat -c %s "$crash"))"
