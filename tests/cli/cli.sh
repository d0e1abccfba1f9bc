#!/usr/bin/env bash
# The iowq-check command line, end to end: one case per call.
#   cli.sh IOWQ_CHECK CASE
set -uo pipefail
bin=$1
case_name=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "cli $case_name: $*"
  exit 1
}

# expect_usage ARGS...: exit status 2 and a message on stderr, nothing on stdout.
expect_usage() {
  "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local status=$?
  [ "$status" -eq 2 ] || fail "iowq-check $* exited $status, not 2"
  [ -s "$tmp/err" ] || fail "iowq-check $* printed no message"
  [ ! -s "$tmp/out" ] || fail "iowq-check $* printed on stdout"
  echo "iowq-check $*: $(head -n 1 "$tmp/err")"
}

# The first token a report prints (the finding's; an off-focus finding's comes later).
first_token() {
  sed -n 's/^iowq-check replay //p' "$1" | head -n 1
}

case "$case_name" in
bad-input)
  expect_usage run --scenario no-such-scenario
  grep -q "unknown scenario 'no-such-scenario'" "$tmp/err" || fail "message does not name the scenario"
  expect_usage run --scenario r1 --model no-such-model
  expect_usage run --scenario r1 --model c4068bf898dd,0123456789ab
  grep -q "unknown model or fix '0123456789ab'" "$tmp/err" || fail "message does not name the fix"
  expect_usage run --scenario r1 --search no-such-search
  expect_usage run --scenario r1 --bound 0
  expect_usage run --scenario r1 --bound -1
  expect_usage run --scenario r1 --seed -5
  expect_usage run --scenario r1 --max-seconds -1
  expect_usage run --scenario r1 --format yaml
  # html draws one execution: run, replay and diff have it; verify says where to look instead.
  expect_usage verify --format html
  grep -q "format html draws one execution's schedule (run, replay, diff)" "$tmp/err" ||
    fail "verify --format html does not say which commands draw pages"
  expect_usage replay AAAA --format html --relacy-history
  expect_usage diff AAAA --format json
  expect_usage run --scenario r8 --search pct --depth 0
  expect_usage run
  expect_usage verify --bound 0
  expect_usage verify --model no-such-model
  expect_usage bisect --scenario no-such-scenario
  expect_usage no-such-command
  expect_usage replay
  expect_usage replay AAAA
  expect_usage replay 'AQEA!!!AAAAAAAAAAAAAAAAAA'
  expect_usage replay "$(printf 'A%.0s' {1..300})"
  expect_usage diff AAAA --model patched
  # A well-formed token whose every character was changed: the checksum must catch it.
  "$bin" run --scenario r8 --model buggy >"$tmp/r8" 2>/dev/null
  tok=$(first_token "$tmp/r8")
  [ -n "$tok" ] || fail "no token from r8 on buggy"
  bad=$(tr 'A-Za-z' 'B-ZAb-za' <<<"$tok")
  expect_usage replay "$bad"
  ;;
help)
  for c in "" list run replay verify diff bisect bench merge; do
    # shellcheck disable=SC2086
    "$bin" $c --help >"$tmp/out" 2>&1 || fail "iowq-check $c --help exited $?"
    grep -q "Usage" "$tmp/out" || fail "iowq-check $c --help printed no usage"
  done
  "$bin" list >"$tmp/out" || fail "list exited $?"
  for s in r1 r1n r3 r4 r6 r7 r8 r8u r9 r11 cancel hashed base; do
    grep -q "^  $s-" "$tmp/out" || fail "list does not show scenario $s"
  done
  for w in random pct bound dpor full c4068bf898dd 00c18640c243 e6ab8991c5d0 83d6c39310b6 bf1daa4bfc77 8b3e78b5955a; do
    grep -q "$w" "$tmp/out" || fail "list does not show $w"
  done
  ;;
replay)
  # Every scenario's finding replays byte for byte, three times: dpor, bound and full (script
  # tokens), random (with and without --stay) and pct (generator tokens). r4 at bound 1: its
  # default bound 2 takes a search of 25 s to the same kind of token.
  for run in "r1 buggy" "r4 buggy --bound 1" "r11 patched" "r12 buggy" "r12b patched" \
    "base whatif-no-rcu" "cancel whatif-no-rcu" \
    "r8 buggy" "r9 buggy" "r6 buggy" "r3 whatif-no-rcu" "r7 patched" "r8u buggy" \
    "r8 buggy --search random" \
    "r8 buggy --search random --stay 0" \
    "r8 buggy --search pct --seed 7" "r9 buggy --search bound" "r9 buggy --search full"; do
    set -- $run
    "$bin" run --scenario "$1" --model "$2" "${@:3}" >"$tmp/run" 2>/dev/null
    tok=$(first_token "$tmp/run")
    [ -n "$tok" ] || fail "$run: no finding, no token"
    [ ${#tok} -le 200 ] || fail "$run: token of ${#tok} characters"
    # The run's report ends with its token; an off-focus section may follow it.
    # The paragraph on the schedule's shape differs: run says what shrinking proved, a replay
    # cannot know it (docs/checker.md, "Shrinking"); the rest is byte for byte the same.
    sed -n "1,/^iowq-check replay $tok\$/p" "$tmp/run" | sed '/^This schedule has/,/^$/d' >"$tmp/report"
    for i in 1 2 3; do
      "$bin" replay "$tok" 2>/dev/null | sed '/^This schedule has/,/^$/d' >"$tmp/replay"
      cmp -s "$tmp/report" "$tmp/replay" || {
        diff "$tmp/report" "$tmp/replay" | head -n 20
        fail "$run: replay $i of $tok differs from the run's report"
      }
    done
    # And 50 times in one process: nothing of one execution may leak into the next.
    "$bin" replay "$tok" --repeat 50 2>"$tmp/repeat.err" | sed '/^This schedule has/,/^$/d' >"$tmp/repeat"
    status=${PIPESTATUS[0]}
    [ "$status" -eq 1 ] || { cat "$tmp/repeat.err"; fail "$run: replay --repeat 50 exited $status, not 1"; }
    cmp -s "$tmp/report" "$tmp/repeat" || fail "$run: replay --repeat printed another report"
    grep -q "^iowq-check: 50 replays, every one the same as the first" "$tmp/repeat.err" ||
      fail "$run: replay --repeat did not say that every replay was the same"
    echo "$run: $tok replays byte for byte, 3 times in 3 processes and 50 times in one"
  done
  # Relacy's own history stays available behind a flag.
  "$bin" replay "$tok" --relacy-history >"$tmp/raw" 2>/dev/null
  grep -q "^Relacy's history of the execution" "$tmp/raw" || fail "no Relacy history header"
  grep -q "^execution history ([0-9]*):" "$tmp/raw" || fail "no Relacy execution history"
  ;;
multi-shot)
  # --multi-shot keeps an execution going after a KASAN report or a WARNING; it must never turn
  # a finding into a pass, and every finding it prints must replay from its own token.
  for run in "base buggy" "r1 buggy" "r8 buggy"; do
    set -- $run
    "$bin" run --scenario "$1" --model "$2" --multi-shot >"$tmp/run" 2>"$tmp/err"
    status=$?
    [ "$status" -eq 1 ] || { cat "$tmp/err"; fail "$run --multi-shot exited $status, not 1"; }
    grep -q "^iowq-check: .* on $2: clean" "$tmp/run" && fail "$run --multi-shot reported clean"
    sed -n 's/^iowq-check replay //p' "$tmp/run" >"$tmp/tokens"
    [ -s "$tmp/tokens" ] || fail "$run --multi-shot printed no token"
    while read -r tok; do
      "$bin" replay "$tok" >"$tmp/replay" 2>"$tmp/replay.err"
      rs=$?
      # A known issue the run called "not a failure" (outside the focus) replays as one: exit 0,
      # saying so; every other finding is a violation.
      want=1
      if grep -A1 "^Also found, outside.*the known issue R[0-9]* (docs/findings.md), not a failure" \
        "$tmp/run" | grep -qx "iowq-check replay $tok"; then
        want=0
        grep -q "^iowq-check: this is the known issue R[0-9]*.*not a failure" "$tmp/replay.err" ||
          fail "$run: replay of the known issue's $tok does not say it is the known issue"
      fi
      [ "$rs" -eq "$want" ] || { cat "$tmp/replay.err"; fail "$run: replay of $tok exited $rs, not $want"; }
    done <"$tmp/tokens"
    echo "$run --multi-shot: exit 1, $(wc -l <"$tmp/tokens") token(s), each replays its finding"
  done
  # Known good: what is clean without the flag stays clean with it.
  "$bin" run --scenario r8 --model patched --multi-shot >"$tmp/run" 2>/dev/null
  status=$?
  [ "$status" -eq 0 ] || fail "r8 patched --multi-shot exited $status, not 0"
  ;;
stay)
  # --stay belongs to the random search: refused for a scenario whose own search is another.
  expect_usage run --scenario r3 --stay 50
  grep -q "stay is for the random search" "$tmp/err" || fail "the message does not say why"
  # The same 3,000 executions of seed 1 on buggy: the uniform walk (--stay 0) does not meet R1
  # (it does at execution 3,445), the default stay does (at 2,810; the known-bad model must
  # fail) and says so in the search's name.
  "$bin" run --scenario r1 --model buggy --stay 0 --max-executions 3000 >/dev/null 2>"$tmp/err"
  status=$?
  [ "$status" -eq 0 ] || fail "r1 with --stay 0 exited $status, not 0 (nothing found)"
  "$bin" run --scenario r1 --model buggy --max-executions 3000 --format json >"$tmp/json" 2>/dev/null
  status=$?
  [ "$status" -eq 1 ] || fail "r1 with the default stay exited $status, not 1 (found)"
  jq -e '.search.name | test("^random search, stay 80%, seed 1$")' "$tmp/json" >/dev/null ||
    fail "the search's name does not give its stay: $(jq -r .search.name "$tmp/json")"
  # ... and the known-good model passes the same search.
  "$bin" run --scenario r1 --model patched --max-executions 3000 >/dev/null 2>&1
  status=$?
  [ "$status" -eq 0 ] || fail "r1 on patched exited $status, not 0 (nothing found)"
  # A uniform walk's token (generator 1, no stay in it) replays its finding.
  "$bin" replay AgEAEAECAAGWu-Xj64SMi80BvFo >"$tmp/old" 2>/dev/null
  grep -q "^iowq-check: r1-manager-creates-worker-after-exit on buggy: KASAN: use-after-free Read in io_worker_exit$" \
    "$tmp/old" || fail "the uniform walk's token no longer replays R1's Read in io_worker_exit"
  # A token of the version before plain read-modify-writes were split names other schedules:
  # refused, with the reason, rather than replayed as something else.
  expect_usage replay AQEAEAECAAG_xLbJ6PaTjaMBzyQ
  grep -q "made by another version of iowq-check (token version 1" "$tmp/err" ||
    fail "an old token is not refused as another version's"
  echo "--stay: refused where it does not apply; 3,000 executions find R1 with it, not without"
  ;;
jobs)
  # verify --jobs N runs N scenarios at once, each in its own process: the same lines in the
  # same order and the same exit status as one after another, on a model with findings
  # (c4068bf898dd: buggy's would need scenarios' own searches of many seconds) and on one
  # without (patched).
  for m in c4068bf898dd patched; do
    "$bin" verify --model "$m" --bound 1 --max-executions 300 --jobs 1 >"$tmp/one" 2>/dev/null
    s1=$?
    "$bin" verify --model "$m" --bound 1 --max-executions 300 --jobs 3 >"$tmp/three" 2>/dev/null
    s3=$?
    [ "$s1" -eq "$s3" ] || fail "$m: --jobs 1 exited $s1, --jobs 3 exited $s3"
    cmp -s "$tmp/one" "$tmp/three" || { diff "$tmp/one" "$tmp/three"; fail "$m: the outputs differ"; }
    [ "$(grep -c ' bound 1 ' "$tmp/one")" -eq 16 ] || fail "$m: not sixteen certificate lines"
    echo "$m: --jobs 3 prints what --jobs 1 prints and exits $s1 too"
  done
  grep -q "FOUND" <("$bin" verify --model c4068bf898dd --bound 1 --max-executions 300 --jobs 2) ||
    fail "c4068bf898dd: no finding with --jobs 2"
  # JSON is the same but for the seconds.
  "$bin" verify --bound 1 --max-executions 300 --jobs 1 --format json | jq '.results |= map(del(.seconds))' >"$tmp/j1"
  "$bin" verify --bound 1 --max-executions 300 --jobs 2 --format json | jq '.results |= map(del(.seconds))' >"$tmp/j2"
  cmp -s "$tmp/j1" "$tmp/j2" || fail "the JSON of --jobs 2 differs"
  expect_usage verify --jobs -1
  # A scenario stopped by its known issue (r11 at bound 2, shard 9 of 9) is not complete: it
  # does not fail the run, and it is not clean either (exit 3), with any --jobs.
  for j in 1 2; do
    "$bin" verify --bound 2 --shard 9/9 --format json --jobs $j >"$tmp/known" 2>/dev/null
    status=$?
    [ "$status" -eq 3 ] || fail "--jobs $j: a known finding exited $status, not 3"
    jq -e '.status == 3 and .results[0].result == "known" and .results[0].known_issue == "R11" and
      .results[0].complete == false' \
      "$tmp/known" >/dev/null || fail "--jobs $j: the known finding's JSON is not as expected"
  done
  ;;
repeat-known-bad)
  # The known-bad case of replay --repeat: iowq-check-mutants with state that leaks from one
  # execution into the next (model/mutants.h, leaky_state) must be caught, exit 4.
  "$bin" run --scenario r1 --model buggy >"$tmp/run" 2>/dev/null
  tok=$(first_token "$tmp/run")
  [ -n "$tok" ] || fail "r1 on buggy found nothing"
  IOWQ_MUTANT=leaky_state "$bin" replay "$tok" --repeat 3 >"$tmp/out" 2>"$tmp/err"
  status=$?
  cat "$tmp/err"
  [ "$status" -eq 4 ] || fail "replay --repeat on a leaky model exited $status, not 4"
  grep -q "^iowq-check: replay 2 of 3 differs from the first, at line" "$tmp/err" ||
    fail "no message naming the replay that differed"
  "$bin" replay "$tok" --repeat 3 >"$tmp/out" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 1 ] || fail "replay --repeat without the mutation exited $status, not 1"
  ;;
diff)
  "$bin" run --scenario r1 --model buggy >"$tmp/run" 2>/dev/null
  tok=$(first_token "$tmp/run")
  [ -n "$tok" ] || fail "r1 on buggy found nothing"
  "$bin" diff "$tok" --model patched >"$tmp/diff" 2>&1
  status=$?
  cat "$tmp/diff"
  [ "$status" -eq 0 ] || fail "diff on patched exited $status, not 0 (clean)"
  grep -q "^  buggy  *KASAN: use-after-free" "$tmp/diff" || fail "no buggy verdict"
  grep -q "^  patched  *clean" "$tmp/diff" || fail "no patched verdict"
  grep -q "^The runs part at step [0-9]*:" "$tmp/diff" || fail "no first difference"
  grep -q "patched .*refcount_inc(&wq->refs)" "$tmp/diff" || fail "the difference is not c4068bf898dd's refcount_inc"
  "$bin" diff "$tok" --model buggy >"$tmp/same" 2>&1
  status=$?
  [ "$status" -eq 1 ] || fail "diff on buggy itself exited $status, not 1"
  grep -q "The two runs take the same steps" "$tmp/same" || fail "diff on buggy itself found a difference"
  ;;
bisect)
  "$bin" bisect --scenario r6 >"$tmp/out" 2>&1
  status=$?
  cat "$tmp/out"
  [ "$status" -eq 1 ] || fail "bisect r6 exited $status"
  grep -q "first bad: buggy -- 24369c2e3bb0" "$tmp/out" || fail "r6 does not bisect to 24369c2e"
  "$bin" bisect --scenario r8 >"$tmp/out" 2>&1
  cat "$tmp/out"
  grep -q "first bad: parent" "$tmp/out" || fail "r8 is not older than 24369c2e"
  "$bin" bisect --scenario r9 --max-seconds 10 >"$tmp/out" 2>&1
  grep -q "first bad: parent" "$tmp/out" || fail "r9 is not older than 24369c2e"
  ;;
story)
  # --view story (docs/checker.md): R12's story keeps every step on the worker the report is
  # about and every preemption, in the schedule's order, and counts the rest; replay draws the
  # same story; a clean run has none; a view that does not exist is refused.
  expect_usage run --scenario r12 --view plot
  grep -q -- "--view" "$tmp/err" || fail "the message does not name --view"
  expect_usage replay AAAA --view
  expect_usage verify --view story
  "$bin" run --scenario r12 --model buggy --format json >"$tmp/full.json" 2>/dev/null
  [ $? -eq 1 ] || fail "run r12 on buggy did not find R12"
  "$bin" run --scenario r12 --model buggy --format json --view story >"$tmp/story.json" 2>/dev/null
  [ $? -eq 1 ] || fail "run r12 --view story did not find R12"
  jq -e '.view == "full" and (has("story") | not)' "$tmp/full.json" >/dev/null ||
    fail "the full view says it is not"
  jq -e '.view == "story" and (.story.objects | length == 1) and
    (.story.objects[0] | test("^io_worker#[0-9]+$")) and (.schedule | length) < .story.full_steps' \
    "$tmp/story.json" >/dev/null || fail "the story is not R12's worker's, or not shorter: $(jq -c .story "$tmp/story.json")"
  obj=$(jq -r '.story.objects[0]' "$tmp/story.json")
  jq -e --slurpfile full "$tmp/full.json" --arg obj "[$obj]" '
    [.schedule[].step] as $kept |
    ($kept == ($kept | sort)) and
    ($full[0].schedule | length) == .story.full_steps and
    (.schedule | length) + ([.schedule[].left_out_before] | add) <= .story.full_steps and
    all($full[0].schedule[] | select((.what | endswith($obj)) or has("preempted")); .step as $s |
      $kept | index($s) != null)' "$tmp/story.json" >/dev/null ||
    fail "the story left out a step on $obj or a preemption"
  [ "$(jq '[.schedule[] | select(has("preempted"))] | length' "$tmp/story.json")" -eq \
    "$(jq '[.schedule[] | select(has("preempted"))] | length' "$tmp/full.json")" ] ||
    fail "the story does not show every preemption"
  "$bin" run --scenario r12 --model buggy --view story >"$tmp/run" 2>/dev/null
  grep -q "^The story of the finding: " "$tmp/run" || fail "the text story does not say what it is"
  tok=$(first_token "$tmp/run")
  "$bin" replay "$tok" --view story >"$tmp/replay" 2>/dev/null
  [ $? -eq 1 ] || fail "replay --view story exit status"
  sed -n '/^The story of the finding/,/^iowq-check replay/p' "$tmp/run" >"$tmp/run.story"
  sed -n '/^The story of the finding/,/^iowq-check replay/p' "$tmp/replay" >"$tmp/replay.story"
  [ -s "$tmp/run.story" ] && cmp -s "$tmp/run.story" "$tmp/replay.story" ||
    fail "replay --view story draws another story: $(diff "$tmp/run.story" "$tmp/replay.story" | head -n 5)"
  "$bin" run --scenario r8 --model patched --view story >"$tmp/clean" 2>/dev/null
  [ $? -eq 0 ] || fail "run r8 on patched --view story exit status"
  [ "$(cat "$tmp/clean")" = "iowq-check: r8-rlimit-nproc-zero-wake-worker on patched: clean" ] ||
    fail "a clean run drew something: $(head -n 3 "$tmp/clean")"
  echo "R12's story: $(jq '.schedule | length' "$tmp/story.json") of $(jq .story.full_steps "$tmp/story.json") steps, on $obj"
  ;;
formats)
  "$bin" run --scenario r8 --model buggy --format json >"$tmp/json" 2>/dev/null
  [ $? -eq 1 ] || fail "json run exit status"
  jq -e '.verdict == "WARNING in io_wqe_wake_worker"' "$tmp/json" >/dev/null || fail "json verdict"
  jq -e '.replay | length > 0' "$tmp/json" >/dev/null || fail "json replay token"
  "$bin" run --scenario r8 --model patched --format json >"$tmp/json" 2>/dev/null
  [ $? -eq 0 ] || fail "json clean run exit status"
  jq -e '.verdict == "clean" and .search.complete == true' "$tmp/json" >/dev/null || fail "json clean verdict"
  "$bin" run --scenario r8 --model buggy --format junit >"$tmp/xml" 2>/dev/null
  xmllint --noout "$tmp/xml" || fail "junit of a finding is not well-formed XML"
  grep -q "<failure" "$tmp/xml" || fail "junit of a finding has no failure"
  "$bin" verify --model patched --bound 1 --max-seconds 2 --format junit >"$tmp/xml" 2>/dev/null
  xmllint --noout "$tmp/xml" || fail "junit of verify is not well-formed XML"
  [ "$(grep -c "<testcase" "$tmp/xml")" -eq 16 ] || fail "junit of verify: not one case per scenario"
  "$bin" verify --model patched --bound 1 --max-seconds 2 --format json >"$tmp/json" 2>/dev/null
  jq -e '.results | length == 16 and all(.[]; .bound == 1 and (.executions > 0))' "$tmp/json" \
    >/dev/null || fail "json of verify"
  ;;
sarif)
  # SARIF 2.1.0 for code scanning (docs/checker.md): each finding one result at the kernel's
  # file:line of its access, its schedule as thread flows, its token in the message and the
  # properties; a clean run an empty results array; no path of this machine anywhere.
  src=$(cd "$(dirname "$0")/../.." && pwd)
  bindir=$(cd "$(dirname "$bin")" && pwd)
  # check_sarif FILE: the fields SARIF 2.1.0 requires and code scanning reads.
  check_sarif() {
    jq -e '(."$schema" | test("sarif-schema-2.1.0")) and .version == "2.1.0" and
      (.runs | length == 1) and .runs[0].tool.driver.name == "iowq-check" and
      (.runs[0].tool.driver.version | length > 0) and
      (.runs[0].originalUriBaseIds | has("KERNEL_SRC")) and (.runs[0].results | type == "array") and
      (.runs[0].tool.driver.rules as $rules | all(.runs[0].results[];
        (.ruleId | length > 0) and $rules[.ruleIndex].id == .ruleId and
        (.level == "error" or .level == "note") and (.message.text | length > 0) and
        .locations[0].physicalLocation.artifactLocation.uri == "fs/io-wq.c" and
        .locations[0].physicalLocation.artifactLocation.uriBaseId == "KERNEL_SRC" and
        .locations[0].physicalLocation.region.startLine > 0 and
        (.properties.replay as $t | .message.text | contains("iowq-check replay " + $t)) and
        (.codeFlows[0].threadFlows | length > 0) and
        all(.codeFlows[0].threadFlows[]; .locations | length > 0)))' "$1" >/dev/null ||
      { head -c 3000 "$1"; fail "$1 is not the SARIF 2.1.0 code scanning reads"; }
    ! grep -qF -e "$src" -e "$bindir" -e '"model/' "$1" || fail "$1 names a path of this machine"
  }
  "$bin" run --scenario r8 --model buggy --format sarif >"$tmp/r8.sarif" 2>/dev/null
  status=$?
  [ "$status" -eq 1 ] || fail "run --format sarif of a finding exited $status, not 1"
  check_sarif "$tmp/r8.sarif"
  jq -e '.runs[0].results | length == 1 and .[0].ruleId == "warning" and .[0].level == "error" and
    (.[0].message.text | startswith("WARNING in io_wqe_wake_worker\n")) and
    .[0].locations[0].physicalLocation.region.startLine == 280' "$tmp/r8.sarif" >/dev/null ||
    fail "r8's WARNING is not at fs/io-wq.c:280"
  jq -e '.runs[0].properties.exit_status == 1' "$tmp/r8.sarif" >/dev/null || fail "no exit status"
  tok=$(jq -r '.runs[0].results[0].properties.replay' "$tmp/r8.sarif")
  "$bin" replay "$tok" --format sarif >"$tmp/replay.sarif" 2>/dev/null
  status=$?
  [ "$status" -eq 1 ] || fail "replay --format sarif exited $status, not 1"
  check_sarif "$tmp/replay.sarif"
  # But for what shrinking proved, which a replay cannot know (docs/checker.md, "Shrinking").
  unshrunk='.runs[0].results | map(del(.properties.minimal, .properties.shrink,
    .properties.original_schedule) | .message.text |= sub("\nThis schedule has[^\n]*"; ""))'
  cmp -s <(jq "$unshrunk" "$tmp/r8.sarif") <(jq "$unshrunk" "$tmp/replay.sarif") ||
    fail "replay's SARIF result is not run's"
  "$bin" run --scenario r1 --model buggy --format sarif >"$tmp/r1.sarif" 2>/dev/null
  check_sarif "$tmp/r1.sarif"
  jq -e '.runs[0].results[0].ruleId == "kasan-use-after-free"' "$tmp/r1.sarif" >/dev/null ||
    fail "r1's use-after-free has another rule"
  "$bin" run --scenario r8 --model patched --format sarif >"$tmp/clean.sarif" 2>/dev/null
  status=$?
  [ "$status" -eq 0 ] || fail "a clean run --format sarif exited $status, not 0"
  check_sarif "$tmp/clean.sarif"
  jq -e '.runs[0].results == [] and .runs[0].tool.driver.rules == []' "$tmp/clean.sarif" \
    >/dev/null || fail "a clean run's SARIF has results"
  # verify: the findings of every scenario (a fix list pins no verdict: dpor only).
  "$bin" verify --model none --bound 1 --max-executions 300 --jobs 2 --format sarif \
    >"$tmp/verify.sarif" 2>/dev/null
  status=$?
  [ "$status" -eq 1 ] || fail "verify --format sarif on none exited $status, not 1"
  check_sarif "$tmp/verify.sarif"
  jq -e '[.runs[0].results[].properties.scenario] | index("r8-rlimit-nproc-zero-wake-worker")' \
    "$tmp/verify.sarif" >/dev/null || fail "verify's SARIF lost r8's finding"
  jq -e '.runs[0].properties.certificates | length == 16' "$tmp/verify.sarif" >/dev/null ||
    fail "verify's SARIF has not every scenario's certificate"
  expect_usage replay "$tok" --format sarif --relacy-history
  ;;
junit)
  # JUnit as GitHub's and GitLab's test reporters read it: errors counted, a search cut short
  # skipped with how far it got, the report and token in <system-out>, a final newline.
  "$bin" run --scenario r8 --model buggy --format junit >"$tmp/found.xml" 2>/dev/null
  xmllint --noout "$tmp/found.xml" || fail "junit of a finding is not well-formed XML"
  tok=$(sed -n 's/^iowq-check replay //p' "$tmp/found.xml" | head -n 1)
  [ -n "$tok" ] || fail "no token in the JUnit of a finding"
  xmllint --xpath 'string(//testcase/system-out)' "$tmp/found.xml" >"$tmp/out.txt"
  "$bin" run --scenario r8 --model buggy >"$tmp/text" 2>/dev/null
  cmp -s <(cat "$tmp/text"; echo) "$tmp/out.txt" || cmp -s "$tmp/text" "$tmp/out.txt" ||
    { diff "$tmp/text" "$tmp/out.txt" | head; fail "<system-out> is not the text report"; }
  [ "$(xmllint --xpath 'string(/testsuites/@errors)' "$tmp/found.xml")" = 0 ] ||
    fail "no errors attribute on <testsuites>"
  [ "$(xmllint --xpath 'string(//testsuite/@errors)' "$tmp/found.xml")" = 0 ] ||
    fail "no errors attribute on <testsuite>"
  [ "$(tail -c 1 "$tmp/found.xml" | od -An -c | tr -d ' ')" = '\n' ] ||
    fail "the JUnit document does not end with a newline"
  "$bin" run --scenario r1 --model patched --search dpor --bound 2 --max-executions 50 \
    --format junit >"$tmp/cut.xml" 2>/dev/null
  status=$?
  [ "$status" -eq 3 ] || fail "a cut search's JUnit exited $status, not 3"
  xmllint --noout "$tmp/cut.xml" || fail "junit of a cut search is not well-formed XML"
  msg=$(xmllint --xpath 'string(//testcase/skipped/@message)' "$tmp/cut.xml")
  [[ "$msg" =~ ^"budget ran out before the search was complete: 50 executions, "[0-9]+" branches left on its path"$ ]] ||
    fail "the skipped message does not say how far the search got: $msg"
  [ "$(xmllint --xpath 'string(/testsuites/@skipped)' "$tmp/cut.xml")" = 1 ] ||
    fail "the cut search is not counted as skipped"
  ;;
known-replay)
  # A known issue's token replays as the run that printed it counts it: outside the focus not a
  # failure (R14 on patched r10, exit 0), in the focus a finding (R12 on patched r12b, exit 1).
  "$bin" run --scenario r10 --model patched >"$tmp/run" 2>/dev/null
  status=$?
  [ "$status" -eq 0 ] || fail "r10 on patched exited $status, not 0"
  grep -q "the known issue R14 (docs/findings.md), not a failure" "$tmp/run" ||
    fail "r10 on patched did not meet R14 outside its focus"
  tok=$(sed -n 's/^iowq-check replay //p' "$tmp/run" | tail -n 1)
  "$bin" replay "$tok" >"$tmp/replay" 2>"$tmp/err"
  status=$?
  cat "$tmp/err"
  [ "$status" -eq 0 ] || fail "replay of R14's token exited $status, not 0 as its run"
  grep -q "^iowq-check: this is the known issue R14 (docs/findings.md), found outside r10-" \
    "$tmp/err" || fail "replay of R14's token does not say it is the known issue"
  "$bin" replay "$tok" --format json >"$tmp/json" 2>/dev/null
  jq -e '.known_issue == "R14" and .status == 0' "$tmp/json" >/dev/null ||
    fail "replay --format json of R14's token: $(jq -c '{known_issue, status}' "$tmp/json")"
  "$bin" replay "$tok" --format sarif >"$tmp/sarif" 2>/dev/null
  jq -e '.runs[0].results[0].level == "note" and
    .runs[0].results[0].properties.known_issue == "R14"' "$tmp/sarif" >/dev/null ||
    fail "replay --format sarif of R14's token is not a note"
  "$bin" run --scenario r12b --model patched --format json >"$tmp/run.json" 2>/dev/null
  status=$?
  [ "$status" -eq 1 ] || fail "r12b on patched exited $status, not 1"
  jq -e '.known_issue == "R12" and .status == 1' "$tmp/run.json" >/dev/null ||
    fail "run --format json does not name R12"
  tok=$(jq -r .replay "$tmp/run.json")
  "$bin" replay "$tok" >"$tmp/replay" 2>"$tmp/err"
  status=$?
  cat "$tmp/err"
  [ "$status" -eq 1 ] || fail "replay of R12's token exited $status, not 1 as its run"
  grep -q "^iowq-check: this is the known issue R12 (docs/findings.md), in r12b-" "$tmp/err" ||
    fail "replay of R12's token does not say it is the known issue"
  ;;
json-shape)
  # verify's JSON has one shape, sharded, merged or not: the shard (null when there is none),
  # the results and the status; known_issue is null where there is none (a fix list pins no
  # verdict, so verify runs dpor only: seconds).
  args=(verify --model c4068bf898dd --bound 1 --max-executions 20 --format json)
  "$bin" "${args[@]}" --jobs 2 >"$tmp/whole.json" 2>/dev/null
  status=$?
  "$bin" "${args[@]}" --shard 1/2 >"$tmp/s1.json" 2>/dev/null
  "$bin" "${args[@]}" --shard 2/2 >"$tmp/s2.json" 2>/dev/null
  "$bin" merge --format json "$tmp/s1.json" "$tmp/s2.json" >"$tmp/merged.json" 2>/dev/null
  [ $? -eq "$status" ] || fail "merge exits otherwise than verify ($status)"
  for f in whole s1 s2 merged; do
    jq -e 'type == "object" and (keys == ["results", "shard", "status"]) and
      all(.results[]; has("known_issue") and ((.result == "known") == (.known_issue != null))) and
      all(.. | objects | select(has("known_issue")); .known_issue == null or
        (.known_issue | type == "string" and length > 0))' "$tmp/$f.json" >/dev/null ||
      fail "$f.json: $(jq -c 'if type == "object" then keys else type end' "$tmp/$f.json")"
  done
  jq -e ".shard == null and .status == $status and (.results | length == 16)" "$tmp/whole.json" \
    >/dev/null || fail "unsharded verify's JSON"
  jq -e '.shard.index == 1 and .shard.count == 2' "$tmp/s1.json" >/dev/null || fail "shard 1/2"
  cmp -s <(jq '.results | map(del(.seconds))' "$tmp/whole.json") \
    <(jq '.results | map(del(.seconds))' "$tmp/merged.json") ||
    fail "merged results differ from unsharded verify's"
  expect_usage merge "$tmp/whole.json" "$tmp/s2.json"
  # run and replay: known_issue null, no finding outside the focus null.
  "$bin" run --scenario r8 --model buggy --format json >"$tmp/run.json" 2>/dev/null
  jq -e '.known_issue == null and .outside_focus == null and .shard == null and .status == 1' \
    "$tmp/run.json" >/dev/null || fail "run's JSON: $(jq -c '{known_issue, outside_focus, shard, status}' "$tmp/run.json")"
  "$bin" replay "$(jq -r .replay "$tmp/run.json")" --format json >"$tmp/replay.json" 2>/dev/null
  jq -e '.known_issue == null and .status == 1' "$tmp/replay.json" >/dev/null ||
    fail "replay's JSON: $(jq -c '{known_issue, status}' "$tmp/replay.json")"
  ;;
budget)
  # A search stopped by its budget says so and exits 3.
  "$bin" run --scenario r1 --model patched --search dpor --bound 2 --max-seconds 1 >"$tmp/out" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 3 ] || fail "a budget-stopped search exited $status, not 3"
  grep -q "budget ran out after [0-9]* executions" "$tmp/err" || fail "no budget message"
  "$bin" run --scenario r1 --model patched --search dpor --bound 2 --max-executions 50 >"$tmp/out" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 3 ] || fail "an execution-capped search exited $status, not 3"
  # ... and how much of its search it did: dpor the branches left on its path, random and PCT
  # the share of the executions asked for, in text and JSON.
  grep -q "; [0-9]* branches of the bound-2 tree still to try on its path" "$tmp/err" ||
    fail "dpor cut short does not say what it left"
  "$bin" run --scenario r1 --model patched --search dpor --bound 2 --max-executions 50 \
    --format json >"$tmp/out" 2>/dev/null
  jq -e '.search.pending_branches > 0 and .search.complete == false' "$tmp/out" >/dev/null ||
    fail "JSON of a dpor search cut short has no pending_branches"
  for st in random pct; do
    "$bin" run --scenario r1 --model patched --search $st --max-seconds 0.5 >"$tmp/out" 2>"$tmp/err"
    status=$?
    [ "$status" -eq 3 ] || fail "$st cut short exited $status, not 3"
    grep -q "; [0-9]*% of the executions asked for" "$tmp/err" || fail "$st cut short does not say how far it got"
  done
  "$bin" verify --bound 1 --max-executions 300 >"$tmp/out" 2>/dev/null
  status=$?
  [ "$status" -eq 3 ] || fail "verify cut short exited $status, not 3"
  grep -q "clean so far complete: no, [0-9]* branches left on its path" "$tmp/out" ||
    fail "verify's lines do not say what an incomplete search left"
  # The known-good case: a search that completes says so, exit 0, nothing left.
  "$bin" run --scenario r9 --model patched --bound 1 >"$tmp/out" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 0 ] || fail "a complete clean search exited $status, not 0"
  grep -q "nothing found; complete:" "$tmp/err" || fail "a complete search does not say so"
  cat "$tmp/err"
  ;;
shard)
  # Bad shards are usage errors.
  for sh in 3/2 0/0 0/2 1/0 2 a/b 1/2/3 -1/2 /2 1/; do
    expect_usage run --scenario r9 --search random --format json --shard "$sh"
    expect_usage verify --format json --shard "$sh"
  done
  grep -q -- "--shard" "$tmp/err" || fail "the message does not name --shard"
  expect_usage run --scenario r9 --search bound --format json --shard 1/2
  expect_usage run --scenario r9 --search random --shard 1/2
  expect_usage verify --shard 1/2
  # A known-bad model: the merged random search reports the finding an unsharded search
  # reports (the lowest execution number wins), and exits 1. A shard does not shrink its
  # finding: the unsharded search's own schedule is the one to compare with.
  "$bin" run --scenario r9 --model buggy --search random --no-shrink >"$tmp/whole" 2>/dev/null
  [ $? -eq 1 ] || fail "r9 on buggy, unsharded, did not exit 1"
  whole=$(first_token "$tmp/whole")
  for i in 1 2 3; do
    "$bin" run --scenario r9 --model buggy --search random --shard $i/3 --format json \
      >"$tmp/bad$i.json" 2>/dev/null
    jq -e ".shard.index == $i and .shard.count == 3" "$tmp/bad$i.json" >/dev/null ||
      fail "shard $i/3 does not say which shard it is"
  done
  "$bin" merge "$tmp/bad2.json" "$tmp/bad3.json" "$tmp/bad1.json" >"$tmp/merged" 2>"$tmp/err"
  status=$?
  cat "$tmp/merged"
  [ "$status" -eq 1 ] || fail "merged shards of r9 on buggy exited $status, not 1"
  grep -q "BUG: unable to handle kernel NULL pointer dereference in io_worker_exit" "$tmp/merged" ||
    fail "the merged result does not report r9's finding"
  [ "$(first_token "$tmp/merged")" = "$whole" ] ||
    fail "the merged finding is not the unsharded search's ($whole)"
  "$bin" merge --format json "$tmp/bad1.json" "$tmp/bad2.json" "$tmp/bad3.json" >"$tmp/m.json"
  [ $? -eq 1 ] || fail "merge --format json of r9 on buggy did not exit 1"
  jq -e ".replay == \"$whole\" and .status == 1 and .shard.merged" "$tmp/m.json" >/dev/null ||
    fail "merged JSON"
  # A known-good model: merged exit 0, and every shard's executions counted once.
  for i in 1 2; do
    "$bin" run --scenario r9 --model patched --search pct --max-executions 301 --shard $i/2 \
      --format json >"$tmp/good$i.json" 2>/dev/null
    [ $? -eq 0 ] || fail "shard $i/2 of r9 on patched did not exit 0"
  done
  jq -e '.search.executions == 151' "$tmp/good1.json" >/dev/null || fail "shard 1/2 of 301 executions did not run 151"
  jq -e '.search.executions == 150' "$tmp/good2.json" >/dev/null || fail "shard 2/2 of 301 executions did not run 150"
  "$bin" merge "$tmp/good1.json" "$tmp/good2.json" >"$tmp/merged"
  status=$?
  cat "$tmp/merged"
  [ "$status" -eq 0 ] || fail "merged shards of r9 on patched exited $status, not 0"
  grep -q "executions run: 301" "$tmp/merged" || fail "the merged run does not count 301 executions"
  # verify: the shards' certificate lines, merged, are verify's own; a known-bad model exits 1.
  # c4068bf898dd, not buggy: on buggy, base and r1n add their own random searches of many
  # seconds to each of the four runs (the cli.jobs case says the same).
  "$bin" verify --model c4068bf898dd --bound 1 --max-executions 300 >"$tmp/v" 2>/dev/null
  [ $? -eq 1 ] || fail "verify c4068bf898dd did not exit 1"
  for i in 1 2 3; do
    "$bin" verify --model c4068bf898dd --bound 1 --max-executions 300 --shard $i/3 \
      --format json >"$tmp/v$i.json" 2>/dev/null
  done
  "$bin" merge "$tmp/v1.json" "$tmp/v2.json" "$tmp/v3.json" >"$tmp/vm" 2>/dev/null
  [ $? -eq 1 ] || fail "merged verify of c4068bf898dd did not exit 1"
  diff <(tail -n +2 "$tmp/v") <(tail -n +2 "$tmp/vm") || fail "merged verify differs from verify"
  grep -q "r8-rlimit-nproc-zero-wake-worker .*FOUND" "$tmp/vm" || fail "merged verify lost r8's finding"
  ;;
count-states)
  # run --count-states (checks/search/states.h): refused where it has nothing to count.
  expect_usage run --scenario r8 --search random --count-states
  grep -q -- "--count-states" "$tmp/err" || fail "the message does not name --count-states"
  expect_usage run --scenario r1 --count-states
  expect_usage run --scenario r8 --search dpor --count-states --jobs 2
  expect_usage run --scenario r8 --search dpor --count-states --split-depth 64
  expect_usage run --scenario r8 --search dpor --count-states --shard 1/2 --format json
  # r8 at bound 1: the census in JSON and on stderr; states repeat, the closure check checked
  # steps and none differed, and counting changed nothing the search did.
  "$bin" run --scenario r8 --model patched --search dpor --bound 1 --count-states \
    --format json >"$tmp/counted.json" 2>"$tmp/err"
  [ $? -eq 0 ] || fail "r8 on patched with --count-states did not exit 0"
  grep -q "^iowq-check: states: .* 0 reached a different state; with happens-before, [1-9][0-9]* steps, 0 differ$" "$tmp/err" ||
    fail "no census line: $(cat "$tmp/err")"
  "$bin" run --scenario r8 --model patched --search dpor --bound 1 --format json \
    >"$tmp/plain.json" 2>/dev/null
  jq -e --slurpfile p "$tmp/plain.json" '.search.complete and
      .search.executions == $p[0].search.executions and $p[0].search.states == null and
      .search.states.closure_checked > 0 and .search.states.closure_differ == 0 and
      .search.states.closure_hb_checked > 0 and .search.states.closure_hb_differ == 0 and
      .search.states.distinct < .search.states.decisions and
      .search.states.first_repeats <= .search.states.executions_past_a_repeat and
      .search.states.executions_past_a_repeat <= .search.executions and
      .search.states.repeats_hb <= .search.states.repeats' "$tmp/counted.json" >/dev/null ||
    fail "the census: $(jq -c .search "$tmp/counted.json")"
  ;;
count-traces)
  # run --count-traces (dpor_tree::count_traces()): refused where it has nothing to count.
  expect_usage run --scenario r8 --search random --count-traces
  grep -q -- "--count-traces" "$tmp/err" || fail "the message does not name --count-traces"
  expect_usage run --scenario r1 --count-traces
  expect_usage run --scenario r8 --search dpor --count-traces --jobs 2
  expect_usage run --scenario r8 --search dpor --count-traces --shard 1/2 --format json
  # r8 at bound 1: 174 distinct traces of 186 executions (tests/checks/test_dpor.cc's normal
  # forms count as many), in JSON and on stderr; counting changed nothing the search did.
  "$bin" run --scenario r8 --model patched --search dpor --bound 1 --count-traces \
    --format json >"$tmp/counted.json" 2>"$tmp/err"
  [ $? -eq 0 ] || fail "r8 on patched with --count-traces did not exit 0"
  grep -q "^iowq-check: traces: the 186 executions reached 174 distinct traces (174 complete, 0 cut short); 10 executions were abandoned by the search, no behaviour; 1.07 executions per trace$" "$tmp/err" ||
    fail "no traces line: $(cat "$tmp/err")"
  "$bin" run --scenario r8 --model patched --search dpor --bound 1 --format json \
    >"$tmp/plain.json" 2>/dev/null
  jq -e --slurpfile p "$tmp/plain.json" '.search.complete and
      .search.executions == $p[0].search.executions and $p[0].search.traces == null and
      .search.traces.complete == 174 and .search.traces.cut == 0 and
      .search.traces.abandoned_executions == 10' "$tmp/counted.json" >/dev/null ||
    fail "the trace count: $(jq -c .search "$tmp/counted.json")"
  ;;
tree-shard)
  # One dpor tree split over shards (--split-depth, --shard I/N with --search dpor).
  for d in 0 -1 4097 x 1.5; do
    expect_usage run --scenario r8 --search dpor --split-depth "$d"
  done
  grep -q -- "--split-depth" "$tmp/err" || fail "the message does not name --split-depth"
  expect_usage run --scenario r8 --search random --split-depth 8
  expect_usage run --scenario r1 --split-depth 8
  expect_usage run --scenario r8 --search bound --shard 1/2 --format json
  # A known-good model: the shards of r8's bound-2 tree, merged, are the unsharded search with
  # the same split: complete, the same subtrees, executions and digest; exit 0.
  "$bin" run --scenario r8 --model patched --search dpor --bound 2 --split-depth 64 \
    --format json >"$tmp/whole.json" 2>/dev/null
  [ $? -eq 0 ] || fail "r8 on patched, split, did not exit 0"
  jq -e '.search.complete and .search.split.subtrees > 3 and
         .search.split.searched == .search.split.subtrees and
         .search.split.executions == .search.executions' "$tmp/whole.json" >/dev/null ||
    fail "the unsharded split search: $(jq -c .search "$tmp/whole.json")"
  for i in 1 2 3; do
    "$bin" run --scenario r8 --model patched --search dpor --bound 2 --split-depth 64 \
      --shard $i/3 --format json >"$tmp/g$i.json" 2>"$tmp/err$i"
    [ $? -eq 0 ] || fail "shard $i/3 of r8 on patched did not exit 0"
    grep -q "shard $i/3: nothing found; complete" "$tmp/err$i" || fail "shard $i/3: $(cat "$tmp/err$i")"
  done
  "$bin" merge "$tmp/g3.json" "$tmp/g1.json" "$tmp/g2.json" >"$tmp/merged"
  status=$?
  cat "$tmp/merged"
  [ "$status" -eq 0 ] || fail "merged shards of r8 on patched exited $status, not 0"
  "$bin" merge --format json "$tmp/g1.json" "$tmp/g2.json" "$tmp/g3.json" >"$tmp/m.json"
  jq -e --slurpfile w "$tmp/whole.json" '
      .status == 0 and .search.complete and
      .search.executions == $w[0].search.executions and
      .search.split.subtrees == $w[0].search.split.subtrees and
      .search.split.searched == $w[0].search.split.subtrees and
      .search.split.digest == $w[0].search.split.digest' "$tmp/m.json" >/dev/null ||
    fail "merged: $(jq -c .search "$tmp/m.json"), unsharded: $(jq -c .search "$tmp/whole.json")"
  grep -q "digest: $(jq -r .search.split.digest "$tmp/whole.json")" "$tmp/merged" ||
    fail "the merged text does not show the unsharded digest"
  # The default split depth with --shard, named in the summary.
  "$bin" run --scenario r9 --model patched --search dpor --bound 1 --shard 2/2 --format json \
    >/dev/null 2>"$tmp/err"
  grep -q "tree split at depth 256, shard 2/2" "$tmp/err" || fail "default split: $(cat "$tmp/err")"
  # Shards cut short by their budget: the merge is incomplete, exit 3.
  for i in 1 2 3; do
    "$bin" run --scenario r8 --model patched --search dpor --bound 2 --split-depth 64 \
      --shard $i/3 --max-executions 50 --format json >"$tmp/short$i.json" 2>/dev/null
    [ $? -eq 3 ] || fail "shard $i/3 with 50 executions did not exit 3"
  done
  "$bin" merge "$tmp/short1.json" "$tmp/short2.json" "$tmp/short3.json" >"$tmp/merged"
  [ $? -eq 3 ] || fail "a merge of incomplete shards did not exit 3"
  # Shards that do not cover the tree (a forged count) or that disagree on it are refused.
  jq '.search.split.searched = 1' "$tmp/g1.json" >"$tmp/forged1.json"
  expect_usage merge "$tmp/forged1.json" "$tmp/g2.json" "$tmp/g3.json"
  grep -q "subtrees between them" "$tmp/err" || fail "a forged shard is not refused for coverage"
  jq '.search.split.subtrees = 7' "$tmp/g2.json" >"$tmp/forged2.json"
  expect_usage merge "$tmp/g1.json" "$tmp/forged2.json" "$tmp/g3.json"
  jq '.search.split.digest = "xyz"' "$tmp/g2.json" >"$tmp/forged3.json"
  expect_usage merge "$tmp/g1.json" "$tmp/forged3.json" "$tmp/g3.json"
  grep -q 'search.split.digest' "$tmp/err" || fail "a bad digest is not named"
  # A known-bad model: the merged finding is the one of the lowest subtree, the one the
  # unsharded search with the same split finds; exit 1. r10 on buggy finds R10 in a subtree past
  # the first, so the shards meet different things first.
  "$bin" run --scenario r10 --model buggy --search dpor --bound 1 --split-depth 64 --no-shrink \
    --format json >"$tmp/bad.json" 2>/dev/null
  [ $? -eq 1 ] || fail "r10 on buggy, split, did not exit 1"
  jq -e '.search.split.found_in_subtree > 0' "$tmp/bad.json" >/dev/null ||
    fail "r10 on buggy found R10 in the first subtree: the case no longer tests the choice"
  for i in 1 2 3; do
    "$bin" run --scenario r10 --model buggy --search dpor --bound 1 --split-depth 64 \
      --shard $i/3 --format json >"$tmp/b$i.json" 2>/dev/null
  done
  "$bin" merge "$tmp/b1.json" "$tmp/b2.json" "$tmp/b3.json" >"$tmp/merged"
  status=$?
  cat "$tmp/merged"
  [ "$status" -eq 1 ] || fail "merged shards of r10 on buggy exited $status, not 1"
  [ "$(first_token "$tmp/merged")" = "$(jq -r .replay "$tmp/bad.json")" ] ||
    fail "the merged finding is not the unsharded split search's"
  grep -q "found in subtree $(jq .search.split.found_in_subtree "$tmp/bad.json") " "$tmp/merged" ||
    fail "the merged text does not name the subtree of the finding"
  # run --jobs: the processes claim subtrees as they go; the result is the unsplit search's
  # with the same split (a known-good and a known-bad model), whatever job took which subtree.
  for j in -1 65 x; do
    expect_usage run --scenario r8 --search dpor --jobs "$j"
  done
  expect_usage run --scenario r8 --search random --jobs 2
  expect_usage run --scenario r1 --jobs 2
  expect_usage run --scenario r8 --search dpor --jobs 2 --shard 1/2 --format json
  "$bin" run --scenario r8 --model patched --search dpor --bound 2 --split-depth 64 --jobs 3 \
    --format json >"$tmp/jobs.json" 2>"$tmp/err"
  [ $? -eq 0 ] || fail "r8 on patched with --jobs 3 did not exit 0"
  grep -q "tree split at depth 64, 3 jobs: nothing found; complete" "$tmp/err" ||
    fail "--jobs 3: $(cat "$tmp/err")"
  jq -e --slurpfile w "$tmp/whole.json" '
      .search.complete and .search.split.jobs == 3 and
      .search.split.executions == $w[0].search.executions and
      .search.split.subtrees == $w[0].search.split.subtrees and
      .search.split.searched == $w[0].search.split.subtrees and
      .search.split.digest == $w[0].search.split.digest' "$tmp/jobs.json" >/dev/null ||
    fail "--jobs 3: $(jq -c .search "$tmp/jobs.json"), unsharded: $(jq -c .search "$tmp/whole.json")"
  "$bin" run --scenario r10 --model buggy --search dpor --bound 1 --split-depth 64 --jobs 2 \
    --no-shrink >"$tmp/jobs-bad" 2>/dev/null
  [ $? -eq 1 ] || fail "r10 on buggy with --jobs 2 did not exit 1"
  [ "$(first_token "$tmp/jobs-bad")" = "$(jq -r .replay "$tmp/bad.json")" ] ||
    fail "--jobs 2 reports another finding than the unsharded split search"
  grep -q "KASAN\|INFO: lost wake-up" "$tmp/jobs-bad" || fail "--jobs 2 prints no report"
  # verify --split-depth: every shard searches a share of every scenario's tree. Merged, each
  # scenario the unsharded verify (same split, same budget) completed is complete with the same
  # executions and digest, and each finding is the same; the exit status is the same.
  "$bin" verify --model c4068bf898dd --bound 1 --max-executions 6000 --split-depth 64 \
    --format json >"$tmp/vw.json" 2>/dev/null
  want=$?
  [ "$want" -eq 1 ] || fail "verify c4068bf898dd, split, exited $want, not 1"
  for i in 1 2 3; do
    "$bin" verify --model c4068bf898dd --bound 1 --max-executions 6000 --split-depth 64 \
      --shard $i/3 --format json >"$tmp/vs$i.json" 2>/dev/null
  done
  "$bin" merge --format json "$tmp/vs1.json" "$tmp/vs2.json" "$tmp/vs3.json" >"$tmp/vm.json"
  [ $? -eq "$want" ] || fail "merged verify shards did not exit $want"
  jq -e --slurpfile w "$tmp/vw.json" '
      [.results[] as $m | $w[0].results[] | select(.scenario == $m.scenario) |
       if .complete then ($m.complete and $m.executions == .executions and
                          $m.split.digest == .split.digest)
       elif .result != "clean" then ($m.result == .result and $m.finding.replay == .finding.replay)
       else true end] | all' "$tmp/vm.json" >/dev/null ||
    fail "merged verify: $(jq -c '[.results[] | [.scenario, .complete, .executions, .result]]' "$tmp/vm.json"), unsharded: $(jq -c '[.results[] | [.scenario, .complete, .executions, .result]]' "$tmp/vw.json")"
  jq -e '[.results[] | select(.complete)] | length >= 3' "$tmp/vw.json" >/dev/null ||
    fail "fewer than three scenarios complete: the comparison tests little"
  jq -e '[.results[] | select(.result == "found")] | length >= 1' "$tmp/vw.json" >/dev/null ||
    fail "no finding on c4068bf898dd: the comparison of findings tests nothing"
  ;;
merge)
  "$bin" run --scenario r9 --model patched --search random --max-executions 20 --shard 1/2 \
    --format json >"$tmp/a1.json" 2>/dev/null
  "$bin" run --scenario r9 --model patched --search random --max-executions 20 --shard 2/2 \
    --format json >"$tmp/a2.json" 2>/dev/null
  "$bin" run --scenario r9 --model patched --search random --max-executions 20 --seed 2 \
    --shard 2/2 --format json >"$tmp/seed2.json" 2>/dev/null
  "$bin" run --scenario r9 --model patched --search random --max-executions 20 --shard 2/3 \
    --format json >"$tmp/of3.json" 2>/dev/null
  "$bin" verify --model patched --bound 1 --max-executions 20 --shard 2/2 --format json \
    >"$tmp/v2.json" 2>/dev/null
  "$bin" run --scenario r9 --model patched --search random --max-executions 20 \
    --format json >"$tmp/whole.json" 2>/dev/null
  echo '{"shard": {' >"$tmp/broken.json"
  expect_usage merge
  expect_usage merge "$tmp/a1.json"
  grep -q "missing shard: 2/2" "$tmp/err" || fail "a missing shard is not named"
  expect_usage merge "$tmp/a1.json" "$tmp/a1.json"
  grep -q "given twice" "$tmp/err" || fail "a duplicate shard is not named"
  expect_usage merge "$tmp/a1.json" "$tmp/seed2.json"
  grep -q "inconsistent shards" "$tmp/err" || fail "shards of two seeds merged"
  expect_usage merge "$tmp/a1.json" "$tmp/of3.json"
  expect_usage merge "$tmp/a1.json" "$tmp/v2.json"
  expect_usage merge "$tmp/a1.json" "$tmp/whole.json"
  expect_usage merge "$tmp/a1.json" "$tmp/broken.json"
  expect_usage merge "$tmp/a1.json" "$tmp/no-such-file.json"
  # A verify shard whose results are another shard's.
  jq '.shard.index = 1' "$tmp/v2.json" >"$tmp/v1-forged.json"
  expect_usage merge "$tmp/v1-forged.json" "$tmp/v2.json"
  # A merged result is not a shard.
  "$bin" merge --format json "$tmp/a1.json" "$tmp/a2.json" >"$tmp/m.json" || fail "merge of a clean run exited $?"
  expect_usage merge "$tmp/m.json"
  # A directory, fields of the wrong type, a replay token that is not one: exit 2, naming the
  # file and the field (it was an abort, or the garbage printed as a replay command).
  mkdir "$tmp/dir"
  expect_usage merge "$tmp/dir" "$tmp/a2.json"
  grep -q "$tmp/dir is a directory" "$tmp/err" || fail "a directory is not named"
  # wrong FIELD JQ-FILTER FILE: the shard FILE changed by JQ-FILTER is refused, naming FIELD.
  wrong() {
    jq "$2" "$3" >"$tmp/wrong.json"
    local other=$tmp/a2.json
    [ "$3" = "$tmp/a1.json" ] || other=$tmp/v1.json
    expect_usage merge "$tmp/wrong.json" "$other"
    grep -q "wrong.json: \"$1\"" "$tmp/err" || { cat "$tmp/err"; fail "the field $1 is not named"; }
  }
  "$bin" verify --model patched --bound 1 --max-executions 20 --shard 1/2 --format json \
    >"$tmp/v1.json" 2>/dev/null
  "$bin" run --scenario r9 --model buggy --search random --shard 1/2 --format json \
    >"$tmp/f1.json" 2>/dev/null
  "$bin" run --scenario r9 --model buggy --search random --shard 2/2 --format json \
    >"$tmp/f2.json" 2>/dev/null
  jq -e '.replay | length > 0' "$tmp/f1.json" >/dev/null || fail "shard 1/2 of r9 on buggy found nothing"
  wrong search.executions '.search.executions = "many"' "$tmp/a1.json"
  wrong search.seconds '.search.seconds = [1]' "$tmp/a1.json"
  wrong search.budget_ran_out '.search.budget_ran_out = "no"' "$tmp/a1.json"
  wrong search '.search = 3' "$tmp/a1.json"
  wrong verdict '.verdict = 1' "$tmp/a1.json"
  wrong shard.merged '.shard.merged = "no"' "$tmp/a1.json"
  wrong shard.command '.shard.command = 7' "$tmp/a1.json"
  wrong shard.config.seed '.shard.config.seed = "one"' "$tmp/a1.json"
  wrong 'results\[0\].executions' '.results[0].executions = "x"' "$tmp/v2.json"
  wrong 'results\[1\].complete' '.results[1].complete = "yes"' "$tmp/v2.json"
  wrong 'results\[0\]' '.results[0] = 5' "$tmp/v2.json"
  wrong shard.config.scenarios '.shard.config.scenarios = "r1"' "$tmp/v2.json"
  wrong 'shard.config.scenarios\[0\]' '.shard.config.scenarios[0] = 1' "$tmp/v2.json"
  wrong results '.results = {}' "$tmp/v2.json"
  # A replay token that is not one is refused, not printed as a command.
  jq '.replay = "garbage"' "$tmp/f1.json" >"$tmp/garbage.json"
  expect_usage merge "$tmp/garbage.json" "$tmp/f2.json"
  grep -q 'garbage.json: "replay" is not a replay token' "$tmp/err" || { cat "$tmp/err"; fail "a garbage token is not refused"; }
  jq '.results[0].finding = {"verdict": "x", "replay": "garbage"}' "$tmp/v2.json" >"$tmp/wrong.json"
  expect_usage merge "$tmp/v1.json" "$tmp/wrong.json"
  grep -q 'results\[0\].finding.replay" is not a replay token' "$tmp/err" || fail "a verify shard's garbage token"
  # Known good: the unchanged shards merge.
  "$bin" merge "$tmp/f1.json" "$tmp/f2.json" >/dev/null 2>&1
  [ $? -eq 1 ] || fail "the unchanged shards of r9 on buggy did not merge to exit 1"
  "$bin" merge "$tmp/v1.json" "$tmp/v2.json" >/dev/null 2>"$tmp/err"
  status=$?
  [ "$status" -ne 2 ] || { cat "$tmp/err"; fail "the unchanged verify shards were refused"; }
  ;;
interrupt)
  # SIGINT or SIGTERM to verify --jobs 2: the jobs (child processes) die with it, and it dies of
  # the signal (a shell's status 130 or 143). set -m puts each background job in a process
  # group of its own, with SIGINT not ignored (a non-interactive shell ignores it otherwise).
  set -m
  # wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds; fails after SECONDS.
  wait_for() {
    local tries=$(($1 * 10))
    shift
    while ! "$@"; do
      tries=$((tries - 1))
      [ "$tries" -gt 0 ] || return 1
      sleep 0.1
    done
  }
  two_children() { [ "$(pgrep -P "$pid" | wc -l)" -ge 2 ]; }
  # A process is gone when it no longer exists or is a zombie nobody has reaped yet.
  gone() {
    local p
    for p in "$@"; do
      case "$(ps -o stat= -p "$p" 2>/dev/null)" in
      "" | Z*) ;;
      *) return 1 ;;
      esac
    done
  }
  for sig in INT TERM KILL; do
    "$bin" verify --model patched --bound 3 --max-seconds 300 --jobs 2 >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_for 60 two_children || { kill -KILL "$pid"; fail "verify --jobs 2 started no two jobs"; }
    children=$(pgrep -P "$pid" | tr '\n' ' ')
    sleep 1
    kill -"$sig" "$pid"
    wait_for 20 gone "$pid" || { kill -KILL "$pid" $children; fail "SIG$sig did not end verify"; }
    wait "$pid"
    status=$?
    # shellcheck disable=SC2086
    wait_for 10 gone $children || { kill -KILL $children; fail "SIG$sig left the jobs $children running"; }
    case $sig in
    INT) want=130 ;;
    TERM) want=143 ;;
    KILL) want=137 ;;
    esac
    [ "$status" -eq "$want" ] || { cat "$tmp/err"; fail "SIG$sig: verify exited $status, not $want"; }
    if [ "$sig" != KILL ]; then
      grep -q "^iowq-check: interrupted by SIG$sig: [0-9]* of [0-9]* scenarios searched" "$tmp/err" ||
        { cat "$tmp/err"; fail "SIG$sig: verify does not say how far it got"; }
    fi
    echo "SIG$sig: verify --jobs 2 ended with status $status, its jobs ($children) with it"
  done
  # A search in the process itself (run) ends at once too, and says so.
  "$bin" run --scenario r1 --model patched --max-seconds 300 >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  sleep 1
  kill -TERM "$pid"
  wait_for 20 gone "$pid" || { kill -KILL "$pid"; fail "SIGTERM did not end run"; }
  wait "$pid"
  status=$?
  [ "$status" -eq 143 ] || fail "SIGTERM: run exited $status, not 143"
  grep -q "^iowq-check: interrupted by SIGTERM" "$tmp/err" || fail "run does not say it was interrupted"
  ;;
seconds)
  # A budget of 1e9 s or more, inf included, is no limit (it was a zero budget); nan is refused.
  for s in 1e10 inf 1e400 0; do
    "$bin" run --scenario r8 --model patched --max-seconds "$s" >"$tmp/out" 2>"$tmp/err"
    status=$?
    [ "$status" -eq 0 ] || { cat "$tmp/err"; fail "run --max-seconds $s exited $status, not 0"; }
    grep -q "nothing found; complete: 186 executions" "$tmp/err" ||
      fail "run --max-seconds $s did not search the whole tree"
    "$bin" verify --model patched,d9b46f91b8fd --bound 1 --max-executions 250 --max-seconds "$s" \
      --jobs 1 >"$tmp/out" 2>"$tmp/err"
    grep -q "r8-rlimit-nproc-zero-wake-worker  *bound 1  *186 executions  clean  *complete: yes" \
      "$tmp/out" || { cat "$tmp/out"; fail "verify --max-seconds $s is not a whole search"; }
    grep -q " s each" "$tmp/out" && fail "verify --max-seconds $s prints a time budget"
  done
  "$bin" bisect --scenario r8 --max-seconds inf >"$tmp/out" 2>&1
  grep -q "first bad: parent" "$tmp/out" || { cat "$tmp/out"; fail "bisect --max-seconds inf"; }
  for s in nan NaN -nan; do
    expect_usage run --scenario r8 --max-seconds "$s"
    expect_usage verify --max-seconds "$s"
    expect_usage bisect --scenario r8 --max-seconds "$s"
    expect_usage bench --parts find --find-seconds "$s"
    expect_usage bench --parts rate --rate-seconds "$s"
    expect_usage bench --parts verify --verify-seconds "$s"
  done
  grep -q -- "--verify-seconds" "$tmp/err" || fail "the message does not name the option"
  # How long bench measures a rate is not a limit: it must be finite.
  expect_usage bench --parts rate --rate-seconds inf
  # With no execution budget, an unlimited find part has no budget at all.
  expect_usage bench --parts find --find-seconds inf
  ;;
until)
  # --until takes what a token can hold (checks/search/token.cc): 1 to 64 letters, digits, '_'.
  expect_usage run --scenario r8 --until 'io_worker exit'
  grep -q -- "--until takes a kernel function's name" "$tmp/err" || fail "the message does not say why"
  expect_usage run --scenario r8 --until "$(printf 'f%.0s' {1..65})"
  expect_usage run --scenario r8 --until ''
  expect_usage run --scenario r8 --until 'io-worker'
  # 64 characters are fine, and the token of such a run replays.
  long=$(printf 'f%.0s' {1..64})
  "$bin" run --scenario r8 --model buggy --search random --until "$long" --max-executions 3 \
    >"$tmp/out" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 0 ] || [ "$status" -eq 1 ] || [ "$status" -eq 3 ] ||
    { cat "$tmp/err"; fail "--until of 64 characters exited $status"; }
  tok=$(sed -n 's/^iowq-check replay //p' "$tmp/out" | head -n 1)
  if [ -n "$tok" ]; then
    "$bin" replay "$tok" >/dev/null 2>"$tmp/err"
    [ $? -ne 2 ] || { cat "$tmp/err"; fail "the token of a run with --until $long is refused"; }
  fi
  ;;
replay-history)
  "$bin" run --scenario r8 --model buggy >"$tmp/run" 2>/dev/null
  tok=$(first_token "$tmp/run")
  [ -n "$tok" ] || fail "r8 on buggy found nothing"
  # JSON with Relacy's history: one JSON document, the history a field of it.
  "$bin" replay "$tok" --format json --relacy-history >"$tmp/json" 2>"$tmp/err"
  status=$?
  [ "$status" -eq 1 ] || { cat "$tmp/err"; fail "replay --format json --relacy-history exited $status"; }
  jq -e '(.relacy_history.history | test("execution history")) and (.relacy_history.result | length > 0)' \
    "$tmp/json" >/dev/null || fail "replay --format json --relacy-history is not JSON with the history in it"
  "$bin" replay "$tok" --format json >"$tmp/plain.json" 2>/dev/null
  diff <(jq 'del(.relacy_history)' "$tmp/json") <(jq . "$tmp/plain.json") ||
    fail "the history changed the rest of the JSON"
  # --repeat compares the reports, not the history (which prints host addresses).
  for f in text json; do
    "$bin" replay "$tok" --format $f --relacy-history --repeat 5 >"$tmp/out" 2>"$tmp/err"
    status=$?
    [ "$status" -eq 1 ] || { cat "$tmp/err"; fail "--format $f --relacy-history --repeat 5 exited $status, not 1"; }
    grep -q "every one the same as the first" "$tmp/err" || fail "--repeat with the history: no verdict"
  done
  grep -q "^Relacy's history of the execution" "$tmp/out" && fail "JSON with text appended"
  "$bin" replay "$tok" --relacy-history --repeat 3 >"$tmp/out" 2>/dev/null
  [ "$(grep -c "^Relacy's history of the execution" "$tmp/out")" -eq 1 ] ||
    fail "--repeat printed the history other than once"
  ;;
write-errors)
  # Output that could not be written is exit 2 with a message, whatever the command found.
  # expect_unwritten DESCRIPTION COMMAND...: exit 2 and a message on stderr.
  expect_unwritten() {
    local what=$1
    shift
    "$@" 2>"$tmp/err"
    local status=$?
    [ "$status" -eq 2 ] || fail "$what exited $status, not 2"
    grep -q "^iowq-check: .*standard output" "$tmp/err" || { cat "$tmp/err"; fail "$what: no message"; }
    echo "$what: $(head -n 1 "$tmp/err")"
  }
  expect_unwritten "list >/dev/full" sh -c '"$1" list >/dev/full' _ "$bin"
  expect_unwritten "run --format json >/dev/full" sh -c \
    '"$1" run --scenario r8 --model buggy --format json >/dev/full' _ "$bin"
  expect_unwritten "--help >/dev/full" sh -c '"$1" --help >/dev/full' _ "$bin"
  expect_unwritten "verify --jobs 2 >/dev/full" sh -c \
    '"$1" verify --model patched,d9b46f91b8fd --bound 1 --max-executions 20 --jobs 2 >/dev/full' _ "$bin"
  expect_unwritten "list >&-" sh -c '"$1" list >&-' _ "$bin"
  expect_unwritten "run >&-" sh -c '"$1" run --scenario r8 --model buggy >&-' _ "$bin"
  # Known good: the same to a file.
  "$bin" list >"$tmp/out" || fail "list to a file exited $?"
  ;;
clamps)
  # No silent clamps or defaults: out-of-range numbers, empty names, and options the search
  # does not use are refused.
  expect_usage run --scenario r8 --search random --seed 99999999999999999999999
  grep -q "out of range" "$tmp/err" || fail "a huge seed is not said to be out of range"
  expect_usage run --scenario r8 --search random --max-executions 99999999999999999999999
  expect_usage verify --max-executions 99999999999999999999999
  expect_usage bench --find-executions 99999999999999999999999
  expect_usage bench --seeds 99999999999
  expect_usage run --scenario r8 --bound 99999999999
  expect_usage run --scenario r8 --search random --seed 0x10
  expect_usage run --scenario r8 --max-executions 0
  expect_usage run --scenario r8 --model ''
  expect_usage verify --model ''
  expect_usage diff AgEAEAECAAGWu-Xj64SMi80BvFo --model ''
  expect_usage run --scenario r8 --search random --depth 2
  grep -q -- "--depth is for the PCT search" "$tmp/err" || fail "--depth: the message does not say why"
  expect_usage run --scenario r8 --depth 2
  expect_usage run --scenario r8 --search dpor --seed 2
  expect_usage run --scenario r8 --search full --seed 2
  expect_usage run --scenario r8 --seed 2
  grep -q -- "--seed is for the random and PCT searches" "$tmp/err" || fail "--seed: the message does not say why"
  expect_usage run --scenario r1 --bound 2
  expect_usage run --scenario r8 --search pct --bound 2
  expect_usage bench --replays 0
  # Known good: each where its search uses it.
  for args in "--search pct --depth 2 --seed 5" "--search random --seed 18446744073709551615" \
    "--bound 1" "--search bound --bound 1"; do
    # shellcheck disable=SC2086
    "$bin" run --scenario r8 --model patched $args --max-executions 20 >/dev/null 2>"$tmp/err"
    status=$?
    [ "$status" -ne 2 ] || { cat "$tmp/err"; fail "run --scenario r8 $args refused"; }
  done
  ;;
conventions)
  # --version, help COMMAND, "did you mean", colour, and help texts.
  "$bin" --version >"$tmp/out" || fail "--version exited $?"
  [ "$(cat "$tmp/out")" = "iowq-check ${IOWQ_VERSION:?the test sets it}" ] ||
    fail "--version printed '$(cat "$tmp/out")', not 'iowq-check $IOWQ_VERSION'"
  for c in run replay verify diff bisect bench merge list; do
    "$bin" help $c >"$tmp/help" || fail "help $c exited $?"
    "$bin" $c --help >"$tmp/dash" || fail "$c --help exited $?"
    cmp -s "$tmp/help" "$tmp/dash" || fail "help $c is not $c --help"
  done
  "$bin" help >"$tmp/help" && "$bin" --help >"$tmp/dash" && cmp -s "$tmp/help" "$tmp/dash" ||
    fail "help is not --help"
  expect_usage help frobnicate
  expect_usage rnu --scenario r8
  grep -q "did you mean 'run'" "$tmp/err" || fail "no suggestion for rnu"
  expect_usage run --scenario r8 --sead 3
  grep -q "did you mean '--seed'" "$tmp/err" || fail "no suggestion for --sead"
  expect_usage run --scenario r8 --model pached
  grep -q "did you mean 'patched'" "$tmp/err" || fail "no suggestion for pached"
  expect_usage run --scenario r8-rlimit-nproc-zero-wake-wroker
  grep -q "did you mean 'r8-rlimit-nproc-zero-wake-worker'" "$tmp/err" || fail "no suggestion for the scenario"
  expect_usage run --scenario r8 --search rnadom
  grep -q "did you mean 'random'" "$tmp/err" || fail "no suggestion for rnadom"
  # Help texts: verify does not offer html; each command says its default model.
  "$bin" verify --help >"$tmp/help"
  grep -q "html" "$tmp/help" && fail "verify --help lists html"
  # (Through a file: grep -q stops reading at its match, and under pipefail the help's writes
  # after that, past the first 4 KiB, would fail the pipe.)
  "$bin" run --help >"$tmp/help"
  grep -q "default buggy" "$tmp/help" || fail "run --help does not give its default model"
  "$bin" verify --help >"$tmp/help"
  grep -q "default patched" "$tmp/help" || fail "verify --help does not give its default model"
  "$bin" diff --help >"$tmp/help"
  grep -q "default patched" "$tmp/help" || fail "diff --help does not give its default model"
  "$bin" replay --help >"$tmp/help"
  grep -q "model version the token names" "$tmp/help" || fail "replay --help: which model"
  "$bin" bisect --help >"$tmp/help"
  grep -q "parent, then buggy" "$tmp/help" || fail "bisect --help: which models"
  # Colour: --color always and never decide; auto is colour on a terminal unless NO_COLOR is set
  # and not empty or TERM is dumb. The terminal is script(1)'s.
  esc=$(printf '\033\\[')
  "$bin" run --scenario r8 --model buggy --color always >"$tmp/out" 2>/dev/null
  grep -q "$esc" "$tmp/out" || fail "--color always printed no colour"
  NO_COLOR=1 "$bin" run --scenario r8 --model buggy --color always >"$tmp/out" 2>/dev/null
  grep -q "$esc" "$tmp/out" || fail "--color always gave way to NO_COLOR"
  "$bin" --color never run --scenario r8 --model buggy >"$tmp/out" 2>/dev/null
  grep -q "$esc" "$tmp/out" && fail "--color never printed colour"
  expect_usage run --scenario r8 --color sometimes
  on_tty() { TERM=${TERM_FOR:-xterm} script -qec "$*" /dev/null </dev/null >"$tmp/tty"; }
  TERM_FOR=xterm on_tty "env -u NO_COLOR '$bin' run --scenario r8 --model buggy"
  grep -q "$esc" "$tmp/tty" || fail "no colour on a terminal"
  TERM_FOR=xterm on_tty "NO_COLOR= '$bin' run --scenario r8 --model buggy"
  grep -q "$esc" "$tmp/tty" || fail "an empty NO_COLOR turned colour off"
  TERM_FOR=xterm on_tty "NO_COLOR=1 '$bin' run --scenario r8 --model buggy"
  grep -q "$esc" "$tmp/tty" && fail "NO_COLOR=1 did not turn colour off"
  TERM_FOR=dumb on_tty "env -u NO_COLOR '$bin' run --scenario r8 --model buggy"
  grep -q "$esc" "$tmp/tty" && fail "TERM=dumb got colour"
  TERM_FOR=xterm on_tty "env -u NO_COLOR '$bin' run --scenario r8 --model buggy --color never"
  grep -q "$esc" "$tmp/tty" && fail "--color never on a terminal got colour"
  echo "colour: always, never, NO_COLOR and TERM=dumb as documented"
  ;;
bench)
  # The shape of bench's output, never its timings: every part, every row, the memory line.
  "$bin" bench --quick >"$tmp/out" 2>"$tmp/err"
  status=$?
  cat "$tmp/out"
  [ "$status" -eq 0 ] || fail "bench --quick exited $status"
  grep -q "^== Time to the first finding, model buggy" "$tmp/out" || fail "no find part"
  grep -q "^== Executions per second" "$tmp/out" || fail "no rate part"
  grep -q "^== verify --model patched" "$tmp/out" || fail "no verify part"
  for s in r1 r8 r12; do
    for st in random pct bound dpor full; do
      grep -Eq "^  $s +$st.* [0-9]+/[0-9]+ " "$tmp/out" || fail "no find row for $s $st"
    done
  done
  grep -Eq "^  r8 +random, stay 80 +2/2 " "$tmp/out" || fail "r8 on buggy is not found by both seeds"
  # The random rows, one per stay; the default stay finds R1 within 6,000 executions of both
  # seeds (executions, not time: the same on every machine).
  grep -Eq "^  r1 +random, stay 0 +[0-9]+/2 " "$tmp/out" || fail "no row for the uniform walk"
  grep -Eq "^  r1 +random, stay 80 +2/2 " "$tmp/out" || fail "r1 is not found by both seeds"
  for s in r1 r3 r4 r6 r8 r9 r11 r12 r12b base; do
    [ "$(grep -Ec "^  $s-[a-z0-9-]+ +[0-9]+" "$tmp/out")" -eq 2 ] ||
      fail "scenario $s lacks a rate or a verify row"
  done
  grep -Eq "^  r8-[a-z0-9-]+ +186 " "$tmp/out" || fail "r8's bound-1 verify is not complete at 186"
  grep -Eq "^  r1-[a-z0-9-]+ +[0-9]+\* " "$tmp/out" || fail "a cut-short verify is not marked"
  # The states part: r8 at bound 1, complete (186 executions), its fingerprint closed, with
  # happens-before too.
  grep -q "^== States: how often the dpor search meets a state again" "$tmp/out" ||
    fail "no states part"
  grep -Eq "^  r8 +1 +186  +[0-9]+ +[0-9]+ +[0-9]+ \([0-9]+%\) +[0-9]+ \([0-9]+%\) +[1-9][0-9]* +0 +0$" \
    "$tmp/out" || fail "no complete states row for r8 with a closure check and nothing differing"
  # The traces part: r8 at bound 1, complete, 174 distinct traces of its 186 executions (the
  # count tests/checks/test_dpor.cc's normal forms give), none cut short.
  grep -q "^== Traces: executions per distinct trace of the dpor search" "$tmp/out" ||
    fail "no traces part"
  grep -Eq "^  r8 +1 +186  +174 +0 +1\.07 +[0-9]+$" "$tmp/out" ||
    fail "no complete traces row for r8: 186 executions, 174 traces, 1.07 per trace"
  grep -Eq "^  peak resident set size: [0-9]+ KiB" "$tmp/out" || fail "no peak memory"
  grep -Eq "^  token [A-Za-z0-9_-]+: 20 replays in [0-9.]+ s, 0 differed from the first$" \
    "$tmp/out" || fail "no replay part, or a replay differed"
  expect_usage bench --parts nothing
  expect_usage bench --scenarios no-such-scenario
  expect_usage bench --parts states --state-scenarios no-such-scenario
  expect_usage bench --parts traces --trace-scenarios no-such-scenario
  expect_usage bench --bounds 0
  expect_usage bench --stays 100
  ;;
progress)
  # --progress: nothing extra where it is off (never; auto with stderr not a terminal, as here),
  # plain lines with always, a status line rewritten in place on a terminal (auto), erased
  # before the output goes on. IOWQ_PROGRESS_INTERVAL_MS=0 prints at every look at the clock
  # (every 1024 executions): the lines come from the execution count, never from timing.
  mask() { sed -E 's/\(([0-9]+\.[0-9]+) s\)/(T s)/' "$1"; }
  "$bin" run --scenario r3 --model patched --progress never >"$tmp/never" 2>"$tmp/never.err" ||
    fail "run --progress never failed"
  for mode in auto always ""; do
    "$bin" run --scenario r3 --model patched ${mode:+--progress $mode} >"$tmp/out" 2>"$tmp/err" ||
      fail "run --progress '$mode' failed"
    cmp -s "$tmp/never" "$tmp/out" || fail "stdout of --progress '$mode' differs from never"
    cmp -s <(mask "$tmp/never.err") <(mask "$tmp/err") ||
      fail "stderr of --progress '$mode' (not a terminal) differs from never"
  done
  IOWQ_PROGRESS_INTERVAL_MS=0 "$bin" run --scenario r3 --model patched --progress always \
    >"$tmp/out" 2>"$tmp/err" || fail "run --progress always failed"
  cat "$tmp/err"
  cmp -s "$tmp/never" "$tmp/out" || fail "stdout of --progress always differs from never"
  # r3 searches with dpor: the line also gives the branches still to try on its path.
  grep -Eq '^iowq-check: progress: r3-enqueue-gets-exiting-worker on patched: 1024 executions, [0-9]+/s, [0-9]+ branches left on its path, [0-9.]+ s of 600 s$' \
    "$tmp/err" || fail "no progress line at 1024 executions"
  ! grep -q $'[\r\033]' "$tmp/err" || fail "--progress always printed a carriage return or an escape"
  cmp -s <(grep -v '^iowq-check: progress: ' "$tmp/err" | mask /dev/stdin) <(mask "$tmp/never.err") ||
    fail "--progress always changed stderr beyond its own lines"
  # Without the override, always prints every 10 s: this run of well under that prints none.
  "$bin" run --scenario r8 --model patched --progress always >/dev/null 2>"$tmp/err"
  ! grep -q '^iowq-check: progress:' "$tmp/err" || fail "a progress line before 10 s"
  # verify: one after another, each scenario's search says which it is; in jobs, the jobs never
  # write progress (the parent's lines say how many scenarios are done, not executions).
  IOWQ_PROGRESS_INTERVAL_MS=0 "$bin" verify --model c4068bf898dd --bound 1 --max-executions 1100 \
    --jobs 1 --progress always >"$tmp/v1" 2>"$tmp/err"
  grep -Eq '^iowq-check: progress: verify c4068bf898dd, scenario 2/16: r3-enqueue-gets-exiting-worker: 1024 executions of 1100, ' \
    "$tmp/err" || fail "verify --jobs 1 has no progress line for its second scenario"
  IOWQ_PROGRESS_INTERVAL_MS=0 "$bin" verify --model c4068bf898dd --bound 1 --max-executions 1100 \
    --jobs 2 --progress always >"$tmp/v2" 2>"$tmp/err"
  ! grep -q 'executions' "$tmp/err" || fail "a verify job wrote progress"
  cmp -s "$tmp/v1" "$tmp/v2" || fail "verify's output depends on --jobs with --progress always"
  # auto on a terminal (script(1) gives one): "\r", the line, clear to its end; erased ("\r"
  # and clear to the end of the line) before the summary line.
  if command -v script >/dev/null; then
    IOWQ_PROGRESS_INTERVAL_MS=0 TERM=xterm script -qc "'$bin' run --scenario r3 --model patched" \
      /dev/null >"$tmp/tty" </dev/null
    grep -q $'\rr3-enqueue-gets-exiting-worker on patched: 1024 executions' "$tmp/tty" ||
      fail "no status line on a terminal"
    grep -q $'\r\033\\[Kiowq-check: r3-enqueue-gets-exiting-worker on patched, dpor search' \
      "$tmp/tty" || fail "the status line is not erased before the summary"
    IOWQ_PROGRESS_INTERVAL_MS=0 TERM=dumb script -qc "'$bin' run --scenario r3 --model patched" \
      /dev/null >"$tmp/tty" </dev/null
    ! grep -q 'executions, ' "$tmp/tty" || fail "a status line with TERM=dumb"
  else
    echo "script(1) not found: the terminal case is left to report_tests"
  fi
  expect_usage run --scenario r3 --progress sometimes
  expect_usage --progress '' verify
  ;;
replay-budget)
  # replay --repeat has a budget: no replay starts after --max-seconds; cut short, it says how
  # many were done and exits 3. 1e-9 s has run out once the first replay is done, on any machine.
  "$bin" run --scenario r8 --model buggy >"$tmp/run" 2>/dev/null
  tok=$(first_token "$tmp/run")
  [ -n "$tok" ] || fail "r8 on buggy found nothing"
  "$bin" replay "$tok" >"$tmp/once" 2>/dev/null
  "$bin" replay "$tok" --repeat 1000000 --max-seconds 1e-9 >"$tmp/out" 2>"$tmp/err"
  status=$?
  cat "$tmp/err"
  [ "$status" -eq 3 ] || fail "replay --repeat with its budget run out exited $status, not 3"
  grep -q '^iowq-check: budget ran out after 1 of 1000000 replays (' "$tmp/err" ||
    fail "no message saying how many replays were done"
  cmp -s "$tmp/once" "$tmp/out" || fail "the first replay's report is not printed"
  # 0 (or inf) is no limit: every replay runs.
  "$bin" replay "$tok" --repeat 3 --max-seconds inf >/dev/null 2>"$tmp/err"
  status=$?
  [ "$status" -eq 1 ] || fail "replay --repeat 3 --max-seconds inf exited $status, not 1"
  grep -q '^iowq-check: 3 replays, every one the same as the first$' "$tmp/err" ||
    fail "replay --repeat 3 without a limit did not do 3"
  expect_usage replay "$tok" --repeat 2 --max-seconds nan
  expect_usage replay "$tok" --repeat 2 --max-seconds -1
  ;;
preempt)
  # --preempt none: the run and its token name the kernel it ran on, an oops line drops
  # PREEMPT as the kernel's does, and replay and diff keep the setting. r9's NULL pointer oops
  # on buggy is found at once under either model.
  "$bin" run --scenario r9 --model buggy >"$tmp/full" 2>"$tmp/full.err"
  grep -q '^Oops: 0002 \[#1\] PREEMPT SMP KASAN$' "$tmp/full" ||
    fail "the default run's oops line does not say PREEMPT"
  "$bin" run --scenario r9 --model buggy --preempt none >"$tmp/none" 2>"$tmp/none.err"
  status=$?
  [ "$status" -eq 1 ] || fail "r9 on buggy with --preempt none exited $status, not 1"
  grep -q '^Oops: 0002 \[#1\] SMP KASAN$' "$tmp/none" ||
    fail "the --preempt none run's oops line is not the non-preemptible kernel's"
  grep -q '^iowq-check: r9-exit-drain-unlinks-busy-worker on buggy (preempt=none), ' \
    "$tmp/none.err" || fail "the run does not name the kernel's preemption model"
  tok=$(first_token "$tmp/none")
  [ -n "$tok" ] || fail "no token"
  [ "$tok" != "$(first_token "$tmp/full")" ] || fail "the token does not keep --preempt none"
  "$bin" replay "$tok" >"$tmp/replay" 2>&1
  grep -q '^iowq-check: r9-exit-drain-unlinks-busy-worker on buggy (preempt=none): ' \
    "$tmp/replay" || fail "the replay is not on the non-preemptible kernel"
  grep -q '^Oops: 0002 \[#1\] SMP KASAN$' "$tmp/replay" || fail "the replay's oops says PREEMPT"
  "$bin" diff "$tok" --model patched >"$tmp/diff" 2>&1
  grep -q 'patched (preempt=none)' "$tmp/diff" || fail "diff does not keep the token's kernel"
  expect_usage run --scenario r9 --preempt voluntary
  expect_usage run --scenario r9 --preempt ''
  ;;
*)
  fail "no such case"
  ;;
esac
echo "cli $case_name: ok"
