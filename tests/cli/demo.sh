#!/usr/bin/env bash
# The README's main job: the demo must exit 0 (every verdict as pinned), and its output must be
# the one README.md shows (with the schedule elided as README.md elides it).
#   demo.sh IOWQ_CHECK README
set -uo pipefail
bin=$1 readme=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" >"$tmp/out" 2>/dev/null
status=$?
[ "$status" -eq 0 ] || { echo "demo exited $status"; cat "$tmp/out"; exit 1; }
awk '
  /^The schedule that led there/ { print; skipping = 1; n = 0; lanes = 0; next }
  skipping && /^iowq-check replay / {
    printf "[... the schedule: %d lines, one column per task (%d tasks), elided here ...]\n", n, lanes
    skipping = 0
  }
  skipping && lanes == 0 && NF { lanes = gsub(/ \| /, "&") + 1 }
  skipping { n++; next }
  { print }
' "$tmp/out" >"$tmp/shown"
awk '/Its standard output:$/ { want = 1; next }
     want && /^```/ { if (inblock) exit; inblock = 1; next }
     inblock { print }' "$readme" >"$tmp/readme"
if ! cmp -s "$tmp/shown" "$tmp/readme"; then
  echo "README.md does not show the demo's output; regenerate it. The difference:"
  diff "$tmp/readme" "$tmp/shown" | head -n 40
  exit 1
fi
echo "the demo exits 0 and prints what README.md shows"
