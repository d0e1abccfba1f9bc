#!/usr/bin/env bash
# Shrinking as docs/checker.md ("Shrinking: the fewest preemptions") shows it: the command shown
# there is run and its output compared with the lines quoted under it. Then the text report says
# the same as the JSON, --no-shrink shows the search's own schedule, and the shrunk token replays
# the schedule shown.
#   shrink.sh IOWQ_CHECK DOCS/checker.md
set -uo pipefail
bin=$1 doc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "shrink: $*"
  exit 1
}
command -v jq >/dev/null || fail "jq is needed"

# The quoted command and its output: the lines after "$ for s in ..." up to the blank line.
cmd=$(grep -m1 '^    \$ for s in .*--shrink-seconds inf' "$doc" | sed 's/^    \$ //')
[ -n "$cmd" ] || fail "no shrink command in $doc"
awk -v c="    \$ $cmd" '$0 == c {on = 1; next} on && /^$/ {exit} on {sub(/^    /, ""); print}' \
  "$doc" >"$tmp/want"
[ -s "$tmp/want" ] || fail "no output quoted under the command in $doc"
# The command as shown, with iowq-check the binary under test.
iowq_check() { "$bin" "$@"; }
export -f iowq_check
export bin
bash -c "${cmd//iowq-check/iowq_check}" >"$tmp/got" 2>/dev/null
cmp -s "$tmp/want" "$tmp/got" || {
  diff "$tmp/want" "$tmp/got"
  fail "the output of the command in $doc differs from the lines quoted there"
}

# The text report of a shrunk schedule says it, and names the search's own schedule.
"$bin" run --scenario r10 --model buggy --search random --stay 0 --shrink-seconds inf \
  >"$tmp/text" 2>/dev/null
para=$(sed -n '/^This schedule has/,/^$/p' "$tmp/text" | tr '\n' ' ')
grep -q '^This schedule has 1 preemption, ' <<<"$para" || fail "r10's shrunk text report"
grep -q 'It is minimal: every schedule with no preemption was searched' <<<"$para" ||
  fail "r10's text report does not say it is minimal"
grep -q "Shrunk from the search's own schedule" <<<"$para" || fail "no original schedule"
tok=$(sed -n 's/^iowq-check replay //p' "$tmp/text" | tail -n 1)
"$bin" replay "$tok" --format json 2>/dev/null >"$tmp/replay.json"
[ "$(jq .preemptions "$tmp/replay.json")" = 1 ] || fail "the shrunk token replays another schedule"
[ "$(jq .minimal "$tmp/replay.json")" = null ] || fail "a replay claims to know minimality"
# Without shrinking: the search's own schedule, and no claim.
"$bin" run --scenario r10 --model buggy --search random --stay 0 --no-shrink --format json \
  2>/dev/null >"$tmp/raw.json"
[ "$(jq .minimal "$tmp/raw.json")" = null ] || fail "--no-shrink still claims minimality"
[ "$(jq .preemptions "$tmp/raw.json")" -gt 1 ] || fail "--no-shrink shows a shrunk schedule"
echo "shrink: the docs' numbers hold, and the reports say what shrinking did"
