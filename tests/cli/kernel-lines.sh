#!/usr/bin/env bash
# R8 on buggy, as a user runs it: the WARNING and its call trace name the kernel's places (the
# table in checks/report/kernel-lines.def), exactly as pinned below, and no output format of the
# run (text, JSON, HTML) names a place in the model's sources, unless --model-sites asks for them.
#   kernel-lines.sh IOWQ_CHECK [SED-EDIT]   SED-EDIT changes the pinned text first (a known-bad
#                                            test: the run must then disagree with it)
set -uo pipefail
bin=$1 edit=${2:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/want" <<'PINNED'
------------[ cut here ]------------
WARNING: CPU: 0 PID: 2 at fs/io-wq.c:280 io_wqe_wake_worker
condition: !acct->max_workers
CPU: 0 PID: 2 Comm: syz-executor/2
Call Trace:
 io_wqe_wake_worker fs/io-wq.c:280
 io_wqe_enqueue fs/io-wq.c:779
 io_wq_enqueue fs/io-wq.c:786
 io_queue_async_work fs/io_uring.c:932
 __io_queue_sqe fs/io_uring.c:4552 [inline]
 io_queue_sqe fs/io_uring.c:4607
 io_submit_sqe fs/io_uring.c:4702 [inline]
 io_submit_sqes fs/io_uring.c:4856
 io_uring_enter fs/io_uring.c:6375
 syz_io_uring_read_pipe
---[ end trace ]---
PINNED
if [ -n "$edit" ]; then
  sed -i -e "$edit" "$tmp/want"
fi
fail=0
"$bin" run --scenario r8 --model buggy >"$tmp/text" 2>/dev/null
[ $? -eq 1 ] || { echo "run --scenario r8 --model buggy: exit status is not 1"; fail=1; }
sed -n '/^------------\[ cut here \]/,/^---\[ end trace \]---$/p' "$tmp/text" >"$tmp/got"
if ! cmp -s "$tmp/want" "$tmp/got"; then
  echo "the WARNING of R8 on buggy is not the pinned one (< pinned, > printed):"
  diff "$tmp/want" "$tmp/got"
  fail=1
fi
"$bin" run --scenario r8 --model buggy --format json >"$tmp/json" 2>/dev/null
"$bin" run --scenario r8 --model buggy --format html >"$tmp/html" 2>/dev/null
for f in text json html; do
  # A model source's place: a path under model/ or checks/, or any file:line of a .cc or .h.
  if grep -nE '(^|[^a-z])(model|checks)/[a-z_/-]+\.(cc|h)|\.(cc|h):[0-9]+' "$tmp/$f"; then
    echo "the $f output names a place in the model's sources (above)"
    fail=1
  fi
done
# For the model's developers, --model-sites names the model's own places instead.
"$bin" run --scenario r8 --model buggy --model-sites >"$tmp/sites" 2>/dev/null
if ! grep -qE '^WARNING: CPU: 0 PID: 2 at model/io-wq\.cc:[0-9]+ io_wqe_wake_worker$' "$tmp/sites" ||
  grep -q 'fs/io-wq\.c' "$tmp/sites"; then
  echo "run --model-sites does not name the model's place of the WARNING (or still the kernel's)"
  fail=1
fi
[ "$fail" -eq 0 ] && echo "R8's WARNING names the kernel's places; no output names the model's"
exit "$fail"
