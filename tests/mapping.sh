#!/usr/bin/env bash
# Fails if a function that model/io-wq.cc or model/io_uring.cc defines is missing from
# docs/model-mapping.md, if a FIX(<commit>) site names a commit the page does not list, or if
# the functions of model/io-wq.cc that S1 (fs/io-wq.c at 24369c2e) also has are not defined in
# S1's order. S1's order is the order of the rows of the page's fs/io-wq.c table, whose rows
# follow S1; a row whose first cell says "(io-wq.h)" or "(not in S1)" is no S1 function, and a
# model-only helper is in no first cell: both are skipped.
#   mapping.sh [IO_WQ_CC]    check IO_WQ_CC in place of model/io-wq.cc (the known-bad test)
set -euo pipefail
iowq=model/io-wq.cc
if [ $# -ge 1 ]; then
  iowq=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fi
cd "$(dirname "$0")/.."
doc=docs/model-mapping.md
missing=0
for src in "$iowq" model/io_uring.cc; do
  # A definition starts at column 0 with a return type and ends its line with ')'.
  for fn in $(grep -E '^(static |const )?[a-z_ ]*[a-z_]+ \**[a-z_][a-z0-9_]*\(' "$src" |
              grep -v ';$' | sed -E 's/^[^(]* \**([a-z_][a-z0-9_]*)\(.*/\1/' | sort -u); do
    if ! grep -q "\`$fn\`" "$doc"; then
      echo "$src: $fn is not in $doc" >&2
      missing=$((missing + 1))
    fi
  done
done
for fix in $(grep -ohE 'FIX\([0-9a-f]{12}\)' "$iowq" model/io_uring.cc | sort -u | tr -d 'FIX()'); do
  if ! grep -q "$fix" "$doc"; then
    echo "FIX($fix) is not in $doc" >&2
    missing=$((missing + 1))
  fi
done

# S1's functions in S1's order: the first cell of each row of the fs/io-wq.c table.
s1=$(awk '/^## / { on = ($0 ~ /^## fs\/io-wq\.c \(S1\)/); next }
          on && /^\| `/ { split($0, cell, "|"); print cell[2] }' "$doc" |
     grep -vE '\((io-wq\.h|not in S1)\)' | grep -oE '`[a-z_][a-z0-9_]*`' | tr -d '`' || true)
if [ "$(wc -l <<<"$s1")" -lt 40 ]; then
  echo "$doc: its fs/io-wq.c table gives only $(wc -l <<<"$s1") S1 functions" >&2
  missing=$((missing + 1))
fi
# The model's definitions in its order: a signature at column 0, then (after any continuation
# lines) the opening brace alone on its line; a declaration ends with ';' instead.
defined=$(awk '/^(static |const )?[a-z_ ]*[a-z_]+ \**[a-z_][a-z0-9_]*\(/ {
                 name = $0; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); pending = 1 }
               pending && /;$/ { pending = 0 }
               pending && /^\{$/ { print name; pending = 0 }' "$iowq")
# Both lists reduced to the functions both have; they must be the same sequence.
want=$(grep -Fxf <(echo "$defined") <<<"$s1" || true)
got=$(grep -Fxf <(echo "$s1") <<<"$defined" || true)
if [ "$want" != "$got" ]; then
  echo "$iowq: functions not in S1's order (the order of $doc's fs/io-wq.c table);" \
    "from the first difference on:" >&2
  paste -d' ' <(echo "$want") <(echo "$got") |
    awk '$1 != $2 { on = 1 } on { printf "  S1 %-28s model %s\n", $1, $2 }' >&2
  missing=$((missing + 1))
fi

if [ "$missing" -ne 0 ]; then
  exit 1
fi
echo "every model function and fix is in $doc; model/io-wq.cc follows S1's order" \
  "($(wc -l <<<"$got") functions)"
