#!/usr/bin/env bash
# A document's commands, run again: every fenced block of DOC whose first line is
# "$ iowq-check ..." is run (with IOWQ_CHECK as iowq-check, in a shell, so that pipes work), and
# what it prints must be the block's other lines: its standard output alone, or its standard
# error followed by its standard output (as a terminal shows a run: the line that says how the
# search went comes first). In a block:
#   - a line "[...]", or "[... what was left out ...]" over one line or more, stands for any
#     number of lines (none included);
#   - a time in seconds, "(1.37 s)", "1.37 s" or JUnit's time="1.370", is compared as "(N s)",
#     "N s" or time="N": wall times differ from run to run;
#   - a block may hold several commands, each on a line that starts "$ ", with its output after;
#   - a block that follows a line "<!-- long: REASON -->" (a search of many seconds) is checked
#     only when IOWQ_DOC_LONG=1 (the long test), and one that follows "<!-- not checked:
#     REASON -->" never; the reason is printed.
# Exit 1 if a command prints something else (each difference is shown); 0 when all agree.
#   doc-commands.sh IOWQ_CHECK DOC
set -uo pipefail
bin=$1 doc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$tmp/bin/iowq-check"

# Split DOC into commands: $tmp/block.N (the command first, then what it prints), $tmp/skip.N
# (why it is not checked, if it is not). A block may hold several commands, each on a line that
# starts "$ ", each followed by its output; a marker before the block applies to all of them.
awk -v dir="$tmp" -v long="${IOWQ_DOC_LONG:-0}" '
  function marker(kind) {
    reason = $0; sub(/^<!-- [a-z ]*: /, "", reason); sub(/ -->$/, "", reason)
    skip = ""
    if (kind == "long" && long != "1")
      skip = "a long run, checked by the long test: " reason
    if (kind == "not")
      skip = reason
    marked = 1
  }
  /^<!-- not checked: .* -->$/ { marker("not"); next }
  /^<!-- long: .* -->$/ { marker("long"); next }
  !inblock && /^```/ { inblock = 1; first = 1; cmds = 0; next }
  inblock && /^```/ { inblock = 0; if (file) close(file); file = ""; skip = ""; marked = 0; next }
  inblock && first { first = 0; cmds = $0 ~ /^\$ iowq-check( |$)/ }
  inblock && cmds && /^\$ / {
    if (file) close(file)
    n++; file = dir "/block." n
    if (skip != "") { print skip > (dir "/skip." n); close(dir "/skip." n) }
  }
  inblock && file { print > file }
  !inblock && NF && !/^<!--/ { skip = ""; marked = 0 }
' "$doc"

# Times vary: "(1.37 s)", "1.37 s" and JUnit's time="1.370" compare as "(N s)", "N s" and
# time="N".
normal() {
  sed -E 's/[0-9]+(\.[0-9]+)? s\b/N s/g; s/time="[0-9.]+"/time="N"/g'
}

# matches WANT GOT: do GOT's lines match WANT's, "[...]" standing for any lines?
matches() {
  python3 - "$1" "$2" <<'EOF'
import sys
# An elision is "[...]" or "[... what was left out ...]", over one line or several (from a line
# that starts "[..." to the first that ends "]"): it stands for any number of lines.
want = []
lines = open(sys.argv[1]).read().split("\n")
i = 0
while i < len(lines):
    if lines[i].startswith("[..."):
        while not lines[i].endswith("]") and i + 1 < len(lines):
            i += 1
        want.append("[...]")
    else:
        want.append(lines[i])
    i += 1
got = open(sys.argv[2]).read().split("\n")
# Longest-prefix matching with "[...]" as a wildcard over lines, by dynamic programming.
from functools import lru_cache
sys.setrecursionlimit(100000)
@lru_cache(maxsize=None)
def m(i, j):
    if i == len(want):
        return j == len(got)
    if want[i] == "[...]":
        return m(i + 1, j) or (j < len(got) and m(i, j + 1))
    return j < len(got) and want[i] == got[j] and m(i + 1, j + 1)
sys.exit(0 if m(0, 0) else 1)
EOF
}

checked=0 skipped=0 failed=0
total=$(find "$tmp" -maxdepth 1 -name 'block.*' | wc -l)
for n in $(seq 1 "$total"); do
  block="$tmp/block.$n"
  cmd=$(head -n 1 "$block" | sed 's/^\$ //')
  if [ -f "$tmp/skip.$n" ]; then
    echo "not checked: $cmd ($(cat "$tmp/skip.$n"))"
    skipped=$((skipped + 1))
    continue
  fi
  tail -n +2 "$block" | normal >"$tmp/want"
  # The shell runs the command as the document gives it, with this build's iowq-check first
  # on the path.
  PATH="$tmp/bin:$PATH" NO_COLOR=1 bash -c "$cmd" </dev/null 2>"$tmp/err" | normal >"$tmp/out"
  normal <"$tmp/err" | cat - "$tmp/out" >"$tmp/got"
  if ! matches "$tmp/want" "$tmp/got" && ! matches "$tmp/want" "$tmp/out"; then
    echo "$doc: \$ $cmd"
    echo "prints something else than the document shows. The difference (document, then now):"
    diff "$tmp/want" "$tmp/got" | head -n 40
    failed=$((failed + 1))
    continue
  fi
  echo "ok: $cmd"
  checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || {
  echo "$doc: no command checked"
  exit 1
}
if [ "$failed" -gt 0 ]; then
  echo "$doc: $failed of $((checked + failed)) commands print something else than it shows"
  exit 1
fi
echo "$doc: $checked commands print what it shows ($skipped not checked)"
