#!/usr/bin/env python3
"""Runs a KQL rule verbatim with duckdb-kql over an NDJSON file; prints the result's row count.

The file is exposed as table DeviceProcessEvents through DuckDB's `read_json_auto` (a view,
so the query reads the file itself, as the other tools of the benchmark do), and `now()` is
pinned with duckdb-kql's `query_now` so `ago(1d)` means what it means for kqlhunt's --now.

Usage: duckdb_kql_rule.py FILE RULE.kql NOW
"""

import sys

import duckdb_kql


def main():
    path, rule_path, now = sys.argv[1:4]
    with open(rule_path, encoding="utf-8") as f:
        rule = f.read()
    con = duckdb_kql.connect()
    quoted = path.replace("'", "''")
    con.sql(f"CREATE VIEW DeviceProcessEvents AS SELECT * FROM read_json_auto('{quoted}')")
    rows = duckdb_kql.query(con, rule, query_now=now).fetchall()
    print(len(rows))


if __name__ == "__main__":
    main()
