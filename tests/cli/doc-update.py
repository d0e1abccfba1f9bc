#!/usr/bin/env python3
"""Brings a document's shown outputs up to date after a change that moves numbers.

For every fenced block of DOC whose first line is "$ iowq-check ..." (the blocks
tests/cli/doc-commands.sh checks), each command is run again with IOWQ_CHECK as iowq-check, and
each line of the block that the run no longer prints is replaced by the printed line of the same
shape: equal once every number (decimal or hex) is masked. Lines "[...]" and "[... what ...]"
and lines with no such twin are left as they are, for a person to look at; doc-commands.sh
then says whether the block agrees. Blocks marked "<!-- long: ... -->" are run only with --long;
"<!-- not checked: ... -->" never.

    doc-update.py IOWQ_CHECK DOC [--long]

Prints each replaced line (before, after). The document is rewritten in place.
"""
import os
import re
import subprocess
import sys
import tempfile

NUM = re.compile(r"0x[0-9a-f]+|[0-9a-f]{8,}|\d+(\.\d+)?")


TIME = re.compile(r"[0-9]+(\.[0-9]+)? s\b")
JUNIT_TIME = re.compile(r'time="[0-9.]+"')


def same_but_time(a, b):
    # doc-commands.sh compares times as "N s" and time="N": a line that differs only there is
    # left alone.
    def norm(x):
        return JUNIT_TIME.sub('time="N"', TIME.sub("N s", x))

    return norm(a) == norm(b)


def shape(line):
    return NUM.sub("#", line)


def run(cmd, bindir):
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env)
    return (p.stderr + p.stdout).splitlines()


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: doc-update.py IOWQ_CHECK DOC [--long]")
    binary, doc = os.path.abspath(sys.argv[1]), sys.argv[2]
    long_too = "--long" in sys.argv[3:]
    lines = open(doc).read().split("\n")
    bindir = tempfile.mkdtemp()
    os.symlink(binary, os.path.join(bindir, "iowq-check"))
    skip = False
    i = 0
    changed = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("<!-- not checked:"):
            skip = True
        elif line.startswith("<!-- long:"):
            skip = not long_too
        elif line.startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith(
            "$ iowq-check"
        ):
            end = i + 1
            while not lines[end].startswith("```"):
                end += 1
            if not skip:
                # Each command with the lines after it, up to the next command.
                starts = [k for k in range(i + 1, end) if lines[k].startswith("$ ")]
                for n, k in enumerate(starts):
                    stop = starts[n + 1] if n + 1 < len(starts) else end
                    got = run(lines[k][2:], bindir)
                    gotset = set(got)
                    by_shape = {}
                    for g in got:
                        by_shape.setdefault(shape(g), g)
                    for m in range(k + 1, stop):
                        want = lines[m]
                        if want in gotset or want.startswith("[..."):
                            continue
                        twin = by_shape.get(shape(want))
                        if twin is not None and not same_but_time(twin, want):
                            print(f"{doc}:{m + 1}:\n  - {want}\n  + {twin}")
                            lines[m] = twin
                            changed += 1
            i = end
            skip = False
        elif line.strip() and not line.startswith("<!--"):
            skip = False
        i += 1
    open(doc, "w").write("\n".join(lines))
    print(f"{doc}: {changed} line(s) replaced")


if __name__ == "__main__":
    main()
