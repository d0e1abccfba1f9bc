#!/usr/bin/env bash
# The verdicts a scenario pins are written once, in its header (scenario_info::expect_*), and
# `iowq-check list` prints them. This prints one:
#   pinned.sh IOWQ_CHECK SCENARIO MODEL
# SCENARIO is a name or a unique prefix (r1); MODEL is buggy, patched, parent or whatif-no-rcu.
set -uo pipefail
bin=$1 scenario=$2 model=$3
"$bin" list | awk -v sc="$scenario" -v model="$model" '
  /^  [^ ]/ { name = $1; here = (name == sc || index(name, sc "-") == 1); next }
  here && $1 == model ":" { sub(/^ *[^ ]+: +/, ""); print; found++ }
  END { exit found == 1 ? 0 : 1 }'
