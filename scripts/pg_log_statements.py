#!/usr/bin/env python3
"""Reads PostgreSQL's statement log (log_min_duration_statement = 0) on stdin and writes the
event statements it ran (or those matching the regular expression given second), for
pgbench, to <prefix>.sql and their durations to <prefix>.ms.

Every value in Tongguan's SQL is bound ($1, $2, …: shared/src/sql.rs); PostgreSQL logs the
values on the DETAIL line after the statement, and they are written back in here, so pgbench
runs the same statement with the same values."""
import re
import sys

EXECUTE = re.compile(r"LOG:  duration: ([0-9.]+) ms  execute [^:]*: (.*)$")
PARAMETERS = re.compile(r"DETAIL:  [Pp]arameters: (.*)$")
# $n = NULL, or $n = 'text' with quotes doubled inside.
VALUE = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
EVENTS = re.compile(r"FROM events e (JOIN|WHERE)")


def main(prefix: str, keep: "re.Pattern[str]" = EVENTS) -> None:
    lines = sys.stdin.read().splitlines()
    statements, durations = [], []
    for i, line in enumerate(lines):
        match = EXECUTE.search(line)
        if not match or not keep.search(match.group(2)):
            continue
        statement = match.group(2)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        parameters = PARAMETERS.search(following)
        if parameters:
            values = dict(VALUE.findall(parameters.group(1)))
            statement = re.sub(r"\$(\d+)", lambda v: values[v.group(1)], statement)
        statements.append(statement + ";")
        durations.append(match.group(1))
    with open(prefix + ".sql", "w") as out:
        out.write("".join(s + "\n" for s in statements))
    with open(prefix + ".ms", "w") as out:
        out.write(" ".join(durations) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], re.compile(sys.argv[2]) if len(sys.argv) > 2 else EVENTS)
