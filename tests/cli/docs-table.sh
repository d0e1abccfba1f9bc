#!/usr/bin/env bash
# docs/checker.md's table of scenarios says what their headers pin (`iowq-check list`): one row
# per scenario, and in each model's column the pinned verdict, "same" (buggy's), or either of
# them followed by a remark (" (...)" or ", ...").
#   docs-table.sh IOWQ_CHECK CHECKER_MD
set -uo pipefail
bin=$1 doc=$2
here=$(dirname "$0")
fail=0
rows=$(grep -E '^\| [a-z0-9]+-[a-z0-9-]+ \|' "$doc")
names=$("$bin" list | awk '/^Scenarios/ { on = 1; next } on && /^$/ { exit } on && /^  [^ ]/ { print $1 }')
[ -n "$names" ] || { echo "iowq-check list printed no scenarios"; exit 1; }
for name in $names; do
  row=$(grep -F "| $name |" <<<"$rows")
  [ -n "$row" ] || { echo "$doc: no row for $name"; fail=1; continue; }
  IFS='|' read -r _ _ _ c_buggy c_parent c_patched c_whatif _ <<<"$row"
  buggy=$("$here/pinned.sh" "$bin" "$name" buggy)
  for m in buggy parent patched whatif-no-rcu; do
    case $m in
      buggy) cell=$c_buggy ;; parent) cell=$c_parent ;; patched) cell=$c_patched ;;
      whatif-no-rcu) cell=$c_whatif ;;
    esac
    cell=$(sed 's/^ *//; s/ *$//' <<<"$cell")
    want=$("$here/pinned.sh" "$bin" "$name" "$m")
    shown=$cell
    case $cell in same | "same ("* | "same, "*) shown="$buggy${cell#same}" ;; esac
    case $shown in
      "$want" | "$want ("* | "$want, "*) ;;
      *) echo "$doc: $name on $m says \"$cell\"; the header pins \"$want\""; fail=1 ;;
    esac
  done
done
for row_name in $(awk -F'|' '{ gsub(/ /, "", $2); print $2 }' <<<"$rows"); do
  grep -qx "$row_name" <<<"$names" || { echo "$doc: a row for $row_name, which list does not have"; fail=1; }
done
[ "$fail" -eq 0 ] && echo "$doc's table says what every scenario's header pins"
exit "$fail"
