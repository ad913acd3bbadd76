#!/usr/bin/env python3
"""Run one benchmark SQL file in DuckDB: duckdb_query.py SQL_FILE OUT NAME=PATH ...

`{NAME}` in the SQL is replaced with the path given for NAME, and `{out}` with OUT.
"""

import sys

import duckdb


def main():
    sql_path, out = sys.argv[1], sys.argv[2]
    with open(sql_path, encoding="utf-8") as file:
        sql = file.read()
    sql = sql.replace("{out}", out)
    for argument in sys.argv[3:]:
        name, path = argument.split("=", 1)
        sql = sql.replace("{" + name + "}", path)
    duckdb.connect().execute(sql)


if __name__ == "__main__":
    main()
