#!/usr/bin/env bash
# One pinned verdict: runs `iowq-check run` on a scenario and model version with the scenario's
# default search (or the extra arguments given) and compares the verdict line and the exit
# status exactly. VERDICT "pinned": the verdict the scenario's header pins for MODEL
# (tests/cli/pinned.sh); a model version the header has no pin for (a list of fixes) gives its own.
#   verdict.sh IOWQ_CHECK SCENARIO MODEL STATUS VERDICT [RUN-ARGS...]
set -uo pipefail
bin=$1 scenario=$2 model=$3 want_status=$4 want=$5
shift 5
if [ "$want" = pinned ]; then
  want=$("$(dirname "$0")/pinned.sh" "$bin" "$scenario" "$model") ||
    { echo "verdict: $scenario has no pinned verdict on $model"; exit 1; }
fi
# The verdict is the search's; shrinking the schedule (tested in model_tests "[shrink]") would
# only add its seconds to every pinned verdict.
out=$("$bin" run --scenario "$scenario" --model "$model" --no-shrink "$@" 2>&1)
status=$?
got=$(sed -n "s/^iowq-check: [^ ]* on $model: //p" <<<"$out" | tail -n 1)
if [ "$got" != "$want" ] || [ "$status" -ne "$want_status" ]; then
  echo "verdict: $scenario on $model $*"
  echo "  expected: $want (exit $want_status)"
  echo "  got:      $got (exit $status)"
  echo "--- the run's output, first lines:"
  head -n 8 <<<"$out"
  grep -A1 "^Also found" <<<"$out"
  exit 1
fi
echo "$scenario on $model: $got (exit $status)"
