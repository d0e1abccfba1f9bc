#!/usr/bin/env bash
# Fails if any C++ source of the project is not formatted as .clang-format says.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "clang-format is not installed (.ci/install-deps installs it)" >&2
  exit 1
fi
files=$( (git ls-files --cached --others --exclude-standard '*.h' '*.cc' 2>/dev/null ||
         find model checks tests -name '*.h' -o -name '*.cc') | while read -r f; do
           if [ -f "$f" ]; then echo "$f"; fi  # a file deleted but still in the index: skip it
         done)
if [ -z "$files" ]; then
  echo "no sources found" >&2
  exit 1
fi
clang-format --dry-run --Werror $files
echo "formatted: $(echo "$files" | wc -w) files"
