#!/usr/bin/env python3
"""Fails when a file includes across a line the layout forbids.

Layers: cmd/ -> checks/ -> container/, never backwards. Inside container/, each room may use only
the rooms container/README.md names for it. Usage: check_rooms.py <repo root>
"""
import pathlib
import re
import sys

# Which container/ rooms each room may include (besides itself, system.h and file_info.h).
ROOMS = {
    'base': set(),
    'parse': {'base'},
    'host': {'base', 'parse'},
    'state': {'base', 'parse', 'host'},
    'process': {'base'},
    'agent': {'base', 'parse'},
    'net': {'base'},
    'server': {'base'},
}
TOP = {'system.h', 'file_info.h'}
# What the top files may use: base, and system.h the handle type it returns (OwnerLock).
TOP_USES = {'system.h': {'base', 'state'}, 'file_info.h': {'base'}}
LAYERS = ['cmd', 'checks', 'container']  # each may include only what comes after it

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def problems(root: pathlib.Path):
    for path in sorted(root.glob('*/**/*')):
        if path.suffix not in ('.h', '.cpp') or path.parts[len(root.parts)] not in LAYERS:
            continue
        rel = path.relative_to(root)
        layer = rel.parts[0]
        for inc in INCLUDE.findall(path.read_text()):
            target = inc.split('/')
            if target[0] not in LAYERS:
                continue
            if LAYERS.index(target[0]) < LAYERS.index(layer):
                yield f'{rel}: includes {inc}, a layer above ({layer}/ may use only what is below it)'
                continue
            if layer != 'container' or target[0] != 'container':
                continue
            room = rel.parts[1] if len(rel.parts) > 2 else None
            if room is None:
                if rel.name.startswith('real_system'):
                    continue  # the production door uses every room
                if len(target) > 2 and target[1] not in TOP_USES.get(rel.name, set()):
                    yield f'{rel}: includes {inc}; only real_system.* may use every room'
                continue
            if room not in ROOMS:
                yield f'{rel}: {room}/ is not a room of container/README.md; add it there and here'
                continue
            if len(target) == 2:
                if target[1] not in TOP:
                    yield f'{rel}: includes {inc}, which only real_system.* may use'
                continue
            if target[1] != room and target[1] not in ROOMS[room]:
                allowed = ', '.join(sorted(ROOMS[room])) or 'no other room'
                yield f'{rel}: {room}/ includes {inc}; {room}/ may use {allowed} (container/README.md)'


def self_test():
    """The checker itself must catch each kind of line crossed (a test that cannot fail is a defect)."""
    import tempfile
    cases = {
        'container/base/a.h': ('container/parse/mountinfo.h', 'base/ may use no other room'),
        'container/process/b.cpp': ('container/state/run_records.h', 'process/ may use base'),
        'container/net/c.cpp': ('checks/check.h', 'a layer above'),
        'container/host/d.cpp': ('container/real_system.h', 'only real_system.* may use'),
        'container/attic/e.cpp': ('container/base/log.h', 'not a room'),
        'container/agent/f.cpp': ('container/parse/ini.h', None),
    }
    with tempfile.TemporaryDirectory() as d:
        for name, (inc, _) in cases.items():
            f = pathlib.Path(d, name)
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(f'#include "{inc}"\n')
        found = list(problems(pathlib.Path(d)))
    for name, (_, expect) in cases.items():
        hits = [p for p in found if p.startswith(name + ':')]
        if expect is None and hits or expect and not any(expect in h for h in hits):
            print(f'self-test: {name}: expected {expect!r}, got {hits}')
            return 1
    print('self-test: ok')
    return 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()
    found = list(problems(root))
    for p in found:
        print(p)
    if not found:
        print('layers and rooms: ok')
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main())
