#!/usr/bin/env bash
# Runs a libFuzzer target on a copy of its seed corpus (the source tree is never written) and
# prints what it covered; libFuzzer's own exit status is the result.
#   fuzz.sh FUZZER SEED-CORPUS LIBFUZZER-ARGS...
set -euo pipefail
fuzzer=$1 seeds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds" "$work/corpus"
"$fuzzer" "$@" -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1 || {
  status=$?
  tail -n 40 "$work/log"
  exit "$status"
}
grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$work/log" || true
echo "corpus: $(ls "$work/corpus" | wc -l) inputs"
