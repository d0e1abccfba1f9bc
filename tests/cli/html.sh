#!/usr/bin/env bash
# --format html end to end: R1's page from `run` and its `diff` page on patched are valid HTML,
# fetch nothing, render in headless Chromium to a screenshot that is not blank and shows the
# finding's red and the lane headers, and have one lane per task of the text report's schedule,
# with the same task names; the run's page, in either view, shows every lane on a projector and
# on A4 (page-fit.py), and its views toggle. Broken copies of the page (one that renders blank, one that lost a
# lane) must fail the same checks, so that the checks are known to bite.
#   html.sh IOWQ_CHECK
set -uo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "html: $*"
  exit 1
}

chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || fail "$chromium not found: the pages cannot be rendered (.ci/install-deps installs the chromium package)"
command -v python3 >/dev/null || fail "python3 not found (.ci/install-deps installs it)"
command -v xmllint >/dev/null || fail "xmllint not found (.ci/install-deps installs libxml2-utils)"

red=c62828       # the finding: its verdict badge, report border and schedule row
header=263238    # the lane headers

# chrome ARGS...: headless Chromium with a profile of its own, its chatter kept for failures.
chrome() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$tmp/profile" "$@" 2>"$tmp/chromium.err"
}

# rendered PAGE WIDTH: screenshot the top of PAGE in a window WIDTH wide; is it not blank, with
# the finding's red and the lane headers on it?
rendered() {
  local png="$1.png"
  rm -f "$png"
  chrome --screenshot="$png" --window-size="$2,1000" "file://$1" >/dev/null
  if [ ! -s "$png" ]; then
    echo "  Chromium wrote no screenshot of $1:"
    tail -n 5 "$tmp/chromium.err"
    return 1
  fi
  python3 "$here/screenshot.py" "$png" "$red" "$header"
}

# lanes PAGE WANT TABLE: do the lane headers of PAGE's schedule table TABLE (as Chromium's DOM
# has them) name the tasks in the file WANT, in order?
lanes() {
  chrome --dump-dom "file://$1" >"$1.dom" || {
    echo "  Chromium could not load $1"
    return 1
  }
  awk -v id="$3" '/<table class="schedule"/ { on = index($0, "id=\"" id "\"") > 0 } on' "$1.dom" |
    grep -o '<th class="lane" scope="col">[^<]*</th>' |
    sed 's/<[^>]*>//g' >"$1.$3.lanes"
  if ! cmp -s "$2" "$1.$3.lanes"; then
    echo "  table $3 of $1: lanes $(paste -sd, "$1.$3.lanes"), expected $(paste -sd, "$2")"
    return 1
  fi
  echo "  table $3: $(wc -l <"$2") lanes, $(paste -sd, "$2")"
}

# valid PAGE: HTML that parses without a complaint and fetches or runs nothing.
valid() {
  xmllint --html --noout "$1" >"$1.lint" 2>&1
  [ ! -s "$1.lint" ] || {
    cat "$1.lint"
    return 1
  }
  ! grep -Eq '<script|<link|<img|<iframe|src=|url\(|https?:' "$1" || {
    echo "  $1 refers to something outside itself"
    return 1
  }
}

# The finding, as a page.
"$bin" run --scenario r1 --model buggy --format html >"$tmp/run.html" 2>"$tmp/run.err"
status=$?
[ "$status" -eq 1 ] || fail "run --format html exited $status, not 1 (found): $(cat "$tmp/run.err")"
tok=$(sed -n 's/.*Replay token: <span class="token">\([^<]*\)<.*/\1/p' "$tmp/run.html")
[ -n "$tok" ] || fail "the run's page shows no replay token"
grep -q "\$ iowq-check replay $tok</pre>" "$tmp/run.html" || fail "the run's page shows no replay command"
grep -q '<tr class="finding"' "$tmp/run.html" || fail "the run's page marks no finding"

# The lanes the text report's schedule has: its header row, after the schedule's title.
"$bin" replay "$tok" >"$tmp/text" 2>/dev/null
awk '/^The schedule that led there/ { getline; getline; print; exit }' "$tmp/text" |
  sed 's/ *| */\n/g; s/ *$//' >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -ge 2 ] || fail "no schedule header in the text report of $tok"
grep -q "^KASAN: use-after-free Read in io_wqe_worker" <(sed -n 's/^iowq-check: [^:]*: //p' "$tmp/text") ||
  fail "the text report of $tok is not R1's use-after-free"
# And those of its story (--view story), which the page has as a second table.
"$bin" replay "$tok" --view story >"$tmp/story" 2>/dev/null
awk '/^The story that led there/ { getline; getline; print; exit }' "$tmp/story" |
  sed 's/ *| */\n/g; s/ *$//' >"$tmp/want.story"
[ -s "$tmp/want.story" ] || fail "no story header in the text report of $tok --view story"

# The same schedule on patched, side by side.
"$bin" diff "$tok" --model patched --format html >"$tmp/diff.html" 2>"$tmp/diff.err"
status=$?
[ "$status" -eq 0 ] || fail "diff --format html exited $status, not 0 (clean on patched)"
grep -q '<tr id="a-s[0-9]*" class="part">' "$tmp/diff.html" || fail "the diff page marks no part on buggy's side"
grep -q '<tr id="b-s[0-9]*" class="part">' "$tmp/diff.html" || fail "the diff page marks no part on patched's side"

echo "run page:"
valid "$tmp/run.html" || fail "the run's page is not valid, self-contained HTML"
rendered "$tmp/run.html" 1280 || fail "the run's page does not render"
lanes "$tmp/run.html" "$tmp/want" run || fail "the run's page has the wrong lanes"
lanes "$tmp/run.html" "$tmp/want.story" story || fail "the run's page has the wrong lanes in its story"
# On a projector and on A4, every lane of R1's six, in both views; the views toggle.
python3 "$here/page-fit.py" "$chromium" "$tmp/run.html" --toggle || fail "the run's page does not fit"
"$bin" replay "$tok" --view story --format html >"$tmp/story.html" 2>/dev/null
python3 "$here/page-fit.py" "$chromium" "$tmp/story.html" --toggle ||
  fail "the story's page (--view story) does not fit"
echo "diff page:"
valid "$tmp/diff.html" || fail "the diff page is not valid, self-contained HTML"
rendered "$tmp/diff.html" 1600 || fail "the diff page does not render"
lanes "$tmp/diff.html" "$tmp/want" a || fail "the diff page's buggy side has the wrong lanes"
# On patched the same six tasks run: the manager still creates both workers before EXIT.
lanes "$tmp/diff.html" "$tmp/want" b || fail "the diff page's patched side has the wrong lanes"

# The checks bite: a page that renders blank, and one that lost a lane, must fail them.
echo "broken copies (each must fail):"
sed 's|</style>|body { visibility: hidden; }</style>|' "$tmp/run.html" >"$tmp/blank.html"
! rendered "$tmp/blank.html" 1280 || fail "a page that renders blank passed the render check"
awk '/<table class="schedule" id="run"/ { on = 1 }
  on && !done && sub(/<th class="lane" scope="col">[^<]*<\/th><\/tr>/, "</tr>") { done = 1 } 1' \
  "$tmp/run.html" >"$tmp/lost.html"
! cmp -s "$tmp/run.html" "$tmp/lost.html" || fail "could not make the page with a lane less"
! lanes "$tmp/lost.html" "$tmp/want" run || fail "a page with a lane less passed the lane check"
# The page without the rules that make it fit (its lanes as wide as the diff page's): the fit
# check must see the columns lost.
grep -v '^\.schedules ' "$tmp/run.html" >"$tmp/wide.html"
! cmp -s "$tmp/run.html" "$tmp/wide.html" || fail "could not make the page without its fit rules"
! python3 "$here/page-fit.py" "$chromium" "$tmp/wide.html" >"$tmp/wide.out" ||
  fail "a page wider than a projector passed the fit check"
echo "  the page with wide lanes: $(tail -n 1 "$tmp/wide.out")"
# Views that do not toggle (the rule that hides the other view gone) must fail too.
grep -v '^#view-story:checked' "$tmp/run.html" >"$tmp/both.html"
! python3 "$here/page-fit.py" "$chromium" "$tmp/both.html" --toggle >"$tmp/both.out" ||
  fail "a page whose views do not toggle passed the toggle check"
echo "  the page whose views do not toggle: $(tail -n 1 "$tmp/both.out")"
echo "html: ok"
