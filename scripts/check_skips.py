#!/usr/bin/env python3
"""Fails a test run whose ctest output shows a skipped test that tests/expected-skips.txt does
not allow. ctest counts a skip as a pass; in CI (root, a full kernel) a skip hides a test that
did not run, so each allowed skip is listed with its reason, and only when CI is set does an
unexpected one fail (a developer without root skips the namespace tests on purpose).

Usage: check_skips.py CTEST_LOG ALLOW_LIST
"""
import os
import re
import sys


def allowed_patterns(path):
    patterns = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pattern, _, reason = line.partition(" ")
            if not reason.strip():
                sys.exit(f"{path}: `{pattern}` has no reason; write one after the pattern")
            patterns.append((re.compile(pattern), reason.strip()))
    return patterns


def main():
    log, allow = sys.argv[1], sys.argv[2]
    skipped = []
    with open(log, errors="replace") as f:
        for line in f:
            m = re.search(r"Test\s+#\d+: (\S+) .*\*\*\*(?:Skipped|Not Run)", line)
            if m:
                skipped.append(m.group(1))
    patterns = allowed_patterns(allow)
    unexpected = []
    for name in skipped:
        reason = next((r for p, r in patterns if p.fullmatch(name)), None)
        if reason is None:
            unexpected.append(name)
        else:
            print(f"skipped as expected: {name} ({reason})")
    for name in unexpected:
        print(f"UNEXPECTED SKIP: {name}: see its output for the reason; fix it or list it in {allow}")
    if unexpected and os.environ.get("CI"):
        print(f"{len(unexpected)} unexpected skip(s) in CI: failing the run")
        return 1
    print(f"skips: {len(skipped)} ({len(unexpected)} not in {allow})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
