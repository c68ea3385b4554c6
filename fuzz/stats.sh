#!/usr/bin/env bash
# Markdown table of the last run of each target (fuzz/findings/TARGET/default/fuzzer_stats), for fuzz/README.md.
cd "$(dirname "$0")"
echo "| target | seconds | execs | execs/s | seeds | paths found | stability | crashes | hangs |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for s in findings/*/default/fuzzer_stats; do
  t=$(basename "$(dirname "$(dirname "$s")")")
  v() { grep -E "^$1 " "$s" | sed 's/.*: //'; }
  printf '| `%s` | %s | %s | %.0f | %s | %s | %s | %s | %s |\n' "$t" "$(v run_time)" "$(v execs_done)" "$(v execs_per_sec)" \
    "$(ls corpus/$t | wc -l)" "$(v corpus_found)" "$(v stability)" "$(v saved_crashes)" "$(v saved_hangs)"
done
