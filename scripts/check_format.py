#!/usr/bin/env python3
"""Fails when a C++ file of the project differs from clang-format's Google style (.clang-format).

Usage: check_format.py <repo root> [--fix]
  --fix   rewrite the files in place instead (what `make format` runs)
"""
import os
import subprocess
import sys

DIRS = ['cmd', 'checks', 'container', 'tests', 'bench']
SKIP = {os.path.join('tests', 'testdata')}


def sources(root):
    for top in DIRS:
        for d, subdirs, files in os.walk(os.path.join(root, top)):
            rel = os.path.relpath(d, root)
            subdirs[:] = [s for s in sorted(subdirs) if os.path.join(rel, s) not in SKIP]
            for f in sorted(files):
                if f.endswith(('.h', '.cpp')):
                    yield os.path.join(d, f)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    fix = '--fix' in sys.argv[2:]
    files = list(sources(root))
    tool = os.environ.get('CLANG_FORMAT', 'clang-format')
    args = [tool, '-i'] if fix else [tool, '--dry-run', '--Werror']
    try:
        done = subprocess.run(args + files, capture_output=True, text=True)
    except FileNotFoundError:
        print(f'check_format: {tool} not found; scripts/bootstrap.sh installs clang-format')
        return 1
    if done.returncode != 0:
        # One line per file that differs, then clang-format's first complaints.
        bad = sorted({l.split(':', 1)[0] for l in done.stderr.splitlines() if ': error:' in l})
        for f in bad:
            print(f'{os.path.relpath(f, root)}: not clang-formatted; run `make format`')
        print('\n'.join(done.stderr.splitlines()[:20]))
        return 1
    print(f'{len(files)} files {"formatted" if fix else "clang-formatted"}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
