#!/usr/bin/env python3
"""Writes bad-input.ndjson: advanced-hunting rows mixed with every kind of broken line.

Run from this folder: python3 make-bad-input.py
Line by line (1-based):
  1  good row, FileName "a"
  2  truncated JSON (the line ends inside a string)
  3  empty line (ignored)
  4  binary garbage (NUL, 0xFE 0xFF, a PNG signature)
  5  ProcessId "abc": the row is kept, ProcessId empty, reported as wrong type
  6  FileName with the Latin-1 byte 0xE9 (invalid UTF-8): kept as "caf\uFFFD.exe", reported
  7  spaces and a tab (ignored)
  8  a valid row of 1,000,143 bytes (ProcessCommandLine of 1,000,000 "x"): must be read
  9  a row of 2,000,144 bytes: over a 1.5 MiB limit, skipped and reported as oversized
 10  good row, FileName "b", CRLF line end
 11  a row of a table kqlhunt has no schema for (Type ExampleFutureTable): skipped by design
 12  good row, FileName "c", no final newline
"""

def row(file_name, pid="1", cmd="run"):
    return ('{"Timestamp":"2025-03-04T10:00:00Z","DeviceName":"node-1","ActionType":"ProcessCreated",'
            '"FileName":"%s","ProcessId":%s,"ProcessCommandLine":"%s"}' % (file_name, pid, cmd)).encode()

lines = [
    row("a"),
    b'{"Timestamp":"2025-03-04T10:00:00Z","DeviceName":"node-1","ActionType":"ProcessCreated","FileName":"trunc',
    b'',
    b'\x00\x01\xfe\xff\x89PNG\r\n\x1a\n'.replace(b'\n', b' ').replace(b'\r', b' '),
    row("wrongtype", pid='"abc"'),
    row("cafX.exe").replace(b"cafX", b"caf\xe9"),
    b' \t ',
    row("big", cmd="x" * 1_000_000),
    row("huge", cmd="y" * 2_000_000),
    row("b") + b'\r',
    b'{"Type":"ExampleFutureTable","TimeGenerated":"2025-03-04T10:00:00Z","DeviceName":"node-1"}',
    row("c"),
]
assert len(lines[7]) == 1_000_143, len(lines[7])
assert len(lines[8]) == 2_000_144, len(lines[8])
assert b'\xe9' in lines[5]
with open("bad-input.ndjson", "wb") as f:
    f.write(b"\n".join(lines))
