#!/usr/bin/env bash
# Fails if a function that model/io-wq.cc or model/io_uring.cc defines is missing from
# docs/model-mapping.md, if a FIX(<commit>) site names a commit the page does not list, or if
# the functions of model/io-wq.cc that S1 (fs/io-wq.c at 24369c2e) also has are not defined in
# S1's order. S1's order is the order of the rows of the page's fs/io-wq.c table, whose rows
# follow S1; a row whose first cell says "(io-wq.h)" or "(not in S1)" is no S1 function, and a
# model-only helper is in no first cell: both are skipped.
# Then it checks the table of kernel lines the reports print (checks/report/kernel-lines.def)
# against the kernel: each S1 row against tests/checks/kernel-index.txt, the index of S1's calls
# (the lines the row names must call the callee, and no other line of the caller may; a WARN's
# line must hold its condition), each SEED row against the seed oops's frames
# (tests/checks/seed-frames.txt, themselves checked against
# ../shared/seed/syzbot-bisection-io_wqe_wake_worker.txt or $IOWQ_SEED where it is there), each
# S7 row against the frames of the KASAN report c4068bf898dd's message quotes
# (tests/checks/s7-frames.txt), and
# every function a row names must be a frame of the model.
#   mapping.sh [IO_WQ_CC]            check IO_WQ_CC in place of model/io-wq.cc (a known-bad test)
#   mapping.sh --table DEF           check DEF in place of kernel-lines.def (a known-bad test)
#   mapping.sh --index PATH FILE     print the index of the kernel file FILE, named PATH (e.g.
#                                    fs/io-wq.c), as tests/checks/kernel-index.txt holds it
#   mapping.sh --kernel PATH FILE    check that index against FILE, the kernel's text of PATH
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
iowq=model/io-wq.cc
table=checks/report/kernel-lines.def
index=tests/checks/kernel-index.txt
# The seed's frame lines, kept in the repository (a fresh clone has no ../shared); the seed
# itself, where it is there, to check them against.
seed=$here/tests/checks/seed-frames.txt
# The frame lines of the KASAN report c4068bf898dd's message quotes (S7), kept the same way; its
# text is not in ../shared, so they are checked only by their form.
s7=$here/tests/checks/s7-frames.txt
seed_oops=${IOWQ_SEED:-$here/../shared/seed/syzbot-bisection-io_wqe_wake_worker.txt}
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

# The index of a kernel C file: each line of a function body that calls something, as
# "PATH LINE FUNCTION name( ..."; on a WARN or BUG line every identifier, so that its condition
# can be checked. Kernel style is assumed: a definition's name at column 0, its braces alone
# at column 0, a comment's lines starting with "/*" or "*".
index_of() {
  awk -v path="$1" '
BEGIN { skip["if"]; skip["while"]; skip["for"]; skip["switch"]; skip["return"]; skip["sizeof"] }
/^[A-Za-z_].*[A-Za-z_][A-Za-z0-9_]*\(/ && !/;[ \t]*$/ && !body {
    s = $0; sub(/\(.*/, "", s); n = split(s, w, /[ \t*]+/); fn = w[n]; next
}
/^\{/ && fn != "" { body = 1; next }
/^\}/ && body { body = 0; fn = ""; next }
body && /^[ \t]*(\/\*|\*)/ { next }
body {
    s = $0; gsub(/"([^"\\]|\\.)*"/, "", s); sub(/\/\*.*/, "", s); sub(/\/\/.*/, "", s)
    toks = ""; warn = ($0 ~ /(WARN|BUG)[A-Z_]*\(/)
    while (match(s, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(?/)) {
        t = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
        gsub(/[ \t]/, "", t)
        name = t; sub(/\($/, "", name)
        if (name in skip || (!warn && t !~ /\($/)) continue
        toks = toks " " t
    }
    if (toks != "") print path, NR, fn toks
}' "$2"
}

case "${1:-}" in
--index)
  index_of "$2" "$3"
  exit 0
  ;;
--kernel)
  if ! diff <(grep -E "^$2 " "$here/$index") <(index_of "$2" "$3") >&2; then
    echo "$index does not match $3 (the diff above: < the index, > the text)" >&2
    exit 1
  fi
  echo "$index matches $3 for $2 ($(grep -cE "^$2 " "$here/$index") lines)"
  exit 0
  ;;
--table)
  table=$(abs "$2")
  ;;
?*)
  iowq=$(abs "$1")
  ;;
esac
cd "$here"
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

# The table of kernel lines. Its rows, one a line: KIND FUNCTION OTHER FILE LINE SOURCE.
rows=$(sed -nE \
  -e 's/^KERNEL_CALL\(([A-Za-z0-9_]+), ([A-Za-z0-9_]+), "([^"]+)", ([0-9]+), (S1|SEED)\)$/call \1 \2 \3 \4 \5/p' \
  -e 's/^KERNEL_SITE\(([A-Za-z0-9_]+), "([^" ]+)", "([^"]+)", ([0-9]+), (S1|SEED)\)$/site \1 \2 \3 \4 \5/p' \
  -e 's/^KERNEL_INLINE\(([A-Za-z0-9_]+), (SEED|S7)\)$/inline \1 - - 0 \2/p' \
  -e 's/^KERNEL_HELPER\(([A-Za-z0-9_]+), ([A-Za-z0-9_]+), (SEED)\)$/helper \1 \2 - 0 \3/p' "$table")
if [ "$(grep -cE '^KERNEL_' "$table")" -ne "$(wc -l <<<"$rows")" ]; then
  echo "$table: a row is not of the form its header gives" >&2
  missing=$((missing + 1))
fi
if [ ! -r "$seed" ]; then
  echo "the seed's frames $seed are not there" >&2
  missing=$((missing + 1))
  seed=/dev/null
elif [ -r "$seed_oops" ]; then
  while IFS= read -r frame; do
    case $frame in '#'* | '') continue ;; esac
    if ! grep -qxF -- "$frame" "$seed_oops"; then
      echo "$seed: \"$frame\" is not a line of the seed oops $seed_oops" >&2
      missing=$((missing + 1))
    fi
  done <"$seed"
fi
# The model's frames: its functions that open one, the names MODEL_FRAME_NAMED gives, and the
# allocators' (slab.h opens a frame named after each: return {"kzalloc_node", ...}).
frames=$( (grep -rhoE 'MODEL_FRAME_NAMED\("[A-Za-z0-9_]+"\)' model | sed -E 's/.*\("(.*)"\)/\1/'
          grep -hoE 'return \{"[a-z_]+",' model/linux/slab.h | sed -E 's/return \{"(.*)",/\1/'
          awk '/^[A-Za-z_].*[A-Za-z_][A-Za-z0-9_]*\(/ && !/;$/ { s = $0; sub(/\(.*/, "", s)
                 sub(/.*[ *]/, "", s); fn = s } /MODEL_FRAME\(\)/ { print fn }' \
            $(find model -name '*.cc' -o -name '*.h')) | sort -u)
bad() {
  echo "$table: $*" >&2
  missing=$((missing + 1))
}
# A frame line of the seed: "function[+off/size] file:line", maybe "[inline]", maybe after
# "WARNING: ... at file:line"; a syscall's frames carry a __do_sys_/__se_sys_/__x64_sys_ prefix.
seed_frame() {  # FUNCTION FILE LINE
  grep -E "(^| )(__do_sys_|__se_sys_|__x64_sys_)?$1(\+0x[0-9a-f]+/0x[0-9a-f]+)? $2:$3( \[inline\])?\$" "$seed"
}
checked=0
while read -r kind fn other file line src; do
  [ -n "$kind" ] || continue
  checked=$((checked + 1))
  for f in "$fn" $([ "$kind" = call ] || [ "$kind" = helper ] && echo "$other"); do
    if ! grep -qxF "$f" <<<"$frames" && ! { [ "$kind" = helper ] && [ "$f" = "$other" ]; }; then
      bad "$kind $fn $other: $f is no frame of the model"
    fi
  done
  case "$kind/$src" in
  call/S1)
    if ! grep -qE "^$file $line $fn( [^ ]+)* $other\(( |\$)" "$index"; then
      bad "S1 $file:$line is not a line of $fn that calls $other"
    elif [ "$(grep -cE "^$file [0-9]+ $fn( [^ ]+)* $other\(( |\$)" "$index")" -ne 1 ]; then
      bad "$fn calls $other on more than one line of S1: the row cannot say which"
    fi
    ;;
  site/S1)
    entry=$(grep -E "^$file $line $fn " "$index" || true)
    if ! grep -qE " (WARN|BUG)[A-Z_]*\(" <<<"$entry"; then
      bad "S1 $file:$line is no WARN or BUG of $fn"
    fi
    for id in $(grep -oE '[A-Za-z_][A-Za-z0-9_]*' <<<"$other"); do
      if ! grep -qE " $id( |\$)" <<<"$entry"; then
        bad "S1 $file:$line has no $id: it is not the WARN $other"
      fi
    done
    ;;
  call/SEED | site/SEED)
    if ! seed_frame "$fn" "$file" "$line" >/dev/null; then
      bad "the seed has no frame $fn at $file:$line"
    fi
    ;;
  inline/SEED)
    if ! grep -qE "(^| )$fn [^ ]+:[0-9]+ \[inline\]\$" "$seed"; then
      bad "the seed does not show $fn inlined"
    fi
    ;;
  inline/S7)
    if ! grep -qE "(^| )$fn [^ ]+:[0-9]+ \[inline\]\$" "$s7"; then
      bad "S7's report does not show $fn inlined"
    fi
    ;;
  helper/SEED)
    if ! grep -A1 -E " $other [^ ]+:[0-9]+ \[inline\]\$" "$seed" | grep -qE " $fn [^ ]+:[0-9]+ "; then
      bad "the seed does not show $other inlined inside $fn"
    fi
    ;;
  *)
    bad "$kind $fn: no check for a $kind row from $src"
    ;;
  esac
done <<<"$rows"

if [ "$missing" -ne 0 ]; then
  exit 1
fi
echo "every model function and fix is in $doc; model/io-wq.cc follows S1's order" \
  "($(wc -l <<<"$got") functions)"
echo "every row of $table agrees with S1's index and the seed ($checked rows)"
