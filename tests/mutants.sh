#!/usr/bin/env bash
# The checker against broken models: each mutation of model/mutants.h is applied alone to the
# patched model (IOWQ_MUTANT, in the test binary iowq-check-mutants), and every scenario runs
# its default search, with its default budget, in turn until one disagrees with the verdict
# pinned for patched. Prints which scenario caught each mutant and with what, then the catch
# rate; fails below 100%. A control run without a mutation must agree with every pin.
#   mutants.sh IOWQ_CHECK_MUTANTS caught MUTANT...    each must be caught (the catch rate)
#   mutants.sh IOWQ_CHECK_MUTANTS survive MUTANT...   each must survive every scenario: an
#       equivalent mutant (docs/reliability.md argues why it changes nothing the kernel could
#       observe), or a known blind spot; a catch means the argument or the list is wrong
set -uo pipefail
bin=$1
mode=$2
shift 2
mutants=("$@")
if [ "$mode" != caught ] && [ "$mode" != survive ] || [ ${#mutants[@]} -eq 0 ]; then
  echo "usage: mutants.sh IOWQ_CHECK_MUTANTS caught|survive MUTANT..." >&2
  exit 2
fi

# Cheapest search first (a catch ends the mutant's turn), after the scenario a mutant is known
# to be caught by, if any: the order only saves time, every scenario counts. hashed (4 s),
# cancel (15 s) and r4 (half a minute), whose questions are hashed work, a walk racing an exit
# and a lost wake-up, come right after the four cheapest: a mutant of their kind is caught
# there, instead of after a minute and more of other searches.
# Every scenario of the catalogue is here; IOWQ_MUTANT_SCENARIOS (a space-separated list) runs
# only those, to measure one scenario's part.
scenarios=(r8 r9 r3 r6 hashed cancel r4 r7 r8u r10 r11 base r1 r12 r12b r1n)
if [ -n "${IOWQ_MUTANT_SCENARIOS:-}" ]; then
  read -r -a scenarios <<<"$IOWQ_MUTANT_SCENARIOS"
fi
# The list above must name every scenario the binary has (by its name's first word, "r7").
if [ -z "${IOWQ_MUTANT_SCENARIOS:-}" ]; then
  for name in $("$bin" list | sed -nE 's/^  ([a-z0-9]+)-[a-z0-9-]+$/\1/p'); do
    if ! printf '%s\n' "${scenarios[@]}" | grep -qx "$name"; then
      echo "mutants.sh: scenario $name is not in its list" >&2
      exit 1
    fi
  done
fi
declare -A first=()
# What each scenario's default search gives on patched: the verdict the catalogue pins (as
# `iowq-check list` prints it, the same the verdict tests compare), exit 1 unless it is clean.
declare -A pin_status=() pin_verdict=()
while IFS=$'\t' read -r name verdict; do
  pin_verdict[$name]=$verdict
  [ "$verdict" = clean ] && pin_status[$name]=0 || pin_status[$name]=1
done < <("$bin" list | awk '/^  [a-z0-9]+-[a-z0-9-]+$/ { split($1, w, "-"); name = w[1] }
                             /^      patched: / { sub(/^      patched: /, ""); print name "\t" $0 }')
for s in "${scenarios[@]}"; do
  if [ -z "${pin_verdict[$s]:-}" ]; then
    echo "mutants.sh: iowq-check list gives no patched verdict for $s" >&2
    exit 1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# judge SCENARIO MUTANT: prints "caught <verdict>" if the run disagrees with the pin.
judge() {
  local s=$1 m=$2 status verdict outside known want_status want_verdict
  IOWQ_MUTANT=$m "$bin" run --scenario "$s" --model patched --format json \
    >"$tmp/$m.$s.json" 2>"$tmp/$m.$s.err"
  status=$?
  if [ "$status" -ge 2 ]; then
    echo "error exit $status: $(head -n 1 "$tmp/$m.$s.err")"
    return
  fi
  verdict=$(jq -r '.verdict' "$tmp/$m.$s.json")
  outside=$(jq -r '.outside_focus.verdict // ""' "$tmp/$m.$s.json")
  known=$(jq -r '.outside_focus.known_issue // ""' "$tmp/$m.$s.json")
  want_status=${pin_status[$s]:-0}
  want_verdict=${pin_verdict[$s]:-clean}
  if [ "$verdict" != "$want_verdict" ]; then
    echo "caught $verdict"
  elif [ "$status" -ne "$want_status" ] && [ -n "$outside" ]; then
    echo "caught $outside (outside the focus)"
  elif [ "$status" -ne "$want_status" ]; then
    echo "caught: exit $status"
  elif [ -n "$outside" ] && [ -z "$known" ]; then
    echo "caught $outside (outside the focus)"
  else
    echo "agrees"
  fi
}

failures=0
if [ "$mode" = caught ]; then
  # The control: the test binary without a mutation agrees with every pin on the cheap
  # scenarios (the expensive ones are the verdict tests' job, on the shipped binary).
  for s in r8 r9 r3 r6; do
    got=$(judge "$s" "")
    if [ "$got" != agrees ]; then
      echo "control: $s without a mutation: $got"
      failures=$((failures + 1))
    fi
  done
  echo "control (no mutation): r8 r9 r3 r6 agree with their pins"
fi

caught=0
for m in "${mutants[@]}"; do
  start=$SECONDS
  line="MISSED by every scenario"
  order=("${scenarios[@]}")
  if [ -n "${first[$m]:-}" ]; then
    order=("${first[$m]}" $(printf '%s\n' "${scenarios[@]}" | grep -vx "${first[$m]}"))
  fi
  for s in "${order[@]}"; do
    got=$(judge "$s" "$m")
    case "$got" in
    caught*)
      line="caught by $s: ${got#caught }"
      caught=$((caught + 1))
      break
      ;;
    error*)
      line="ERROR in $s: ${got}"
      failures=$((failures + 1))
      break
      ;;
    esac
  done
  printf '  %-18s %s (%d s)\n' "$m" "$line" $((SECONDS - start))
done
total=${#mutants[@]}
if [ "$mode" = caught ]; then
  echo "catch rate: $caught of $total mutants ($((100 * caught / total))%)"
  [ "$caught" -eq "$total" ] && [ "$failures" -eq 0 ]
else
  echo "survived: $((total - caught - failures)) of $total mutants (all must)"
  [ "$caught" -eq 0 ] && [ "$failures" -eq 0 ]
fi
