#!/usr/bin/env bash
# Fails if a function that model/io-wq.cc or model/io_uring.cc defines is missing from
# docs/model-mapping.md, or if a FIX(<commit>) site names a commit the page does not list.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/model-mapping.md
missing=0
for src in model/io-wq.cc model/io_uring.cc; do
  # A definition starts at column 0 with a return type and ends its line with ')'.
  for fn in $(grep -E '^(static |const )?[a-z_ ]*[a-z_]+ \**[a-z_][a-z0-9_]*\(' "$src" |
              grep -v ';$' | sed -E 's/^[^(]* \**([a-z_][a-z0-9_]*)\(.*/\1/' | sort -u); do
    if ! grep -q "\`$fn\`" "$doc"; then
      echo "$src: $fn is not in $doc" >&2
      missing=$((missing + 1))
    fi
  done
done
for fix in $(grep -ohE 'FIX\([0-9a-f]{12}\)' model/*.cc | sort -u | tr -d 'FIX()'); do
  if ! grep -q "$fix" "$doc"; then
    echo "FIX($fix) is not in $doc" >&2
    missing=$((missing + 1))
  fi
done
if [ "$missing" -ne 0 ]; then
  exit 1
fi
echo "every model function and fix is in $doc"
