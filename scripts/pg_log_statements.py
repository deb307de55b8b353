#!/usr/bin/env python3
"""Reads PostgreSQL's statement log (log_min_duration_statement = 0) on stdin and writes the
event statements it ran (or those matching the regular expression given second), for
pgbench, to <prefix>.sql and their durations to <prefix>.ms.

Every value in Tongguan's SQL is bound ($1, $2, …: shared/src/sql.rs); PostgreSQL logs the
values on the DETAIL line after the statement, and they are written back in here, so pgbench
runs the same statement with the same values.

With a third argument NAME, the values stay parameters instead: each `$n` becomes the pgbench
variable `:NAME_<statement>_<n>`, defined in <prefix>.vars, a line `NAME_<statement>_<n>=value` each (for pgbench's `-D`), so that pgbench -M prepared binds them as the server does (a statement the server
prepares once is planned as PostgreSQL plans a prepared statement, not for each literal)."""
import re
import sys

EXECUTE = re.compile(r"LOG:  duration: ([0-9.]+) ms  execute [^:]*: (.*)$")
PARAMETERS = re.compile(r"DETAIL:  [Pp]arameters: (.*)$")
# $n = NULL, or $n = 'text' with quotes doubled inside.
VALUE = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
EVENTS = re.compile(r"FROM events e (JOIN|WHERE)")


def main(prefix: str, keep: "re.Pattern[str]" = EVENTS, name: "str | None" = None) -> None:
    lines = sys.stdin.read().splitlines()
    statements, durations, variables = [], [], []
    for i, line in enumerate(lines):
        match = EXECUTE.search(line)
        if not match or not keep.search(match.group(2)):
            continue
        statement = match.group(2)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        parameters = PARAMETERS.search(following)
        if parameters:
            values = dict(VALUE.findall(parameters.group(1)))
            if name is None:
                statement = re.sub(r"\$(\d+)", lambda v: values[v.group(1)], statement)
            else:
                index = len(statements)

                def parameter(v: "re.Match[str]") -> str:
                    value = values[v.group(1)]
                    if value == "NULL":
                        return value
                    variable = f"{name}_{index}_{v.group(1)}"
                    text = value[1:-1].replace("''", "'")
                    variables.append(f"{variable}={text}")
                    return ":" + variable

                statement = re.sub(r"\$(\d+)", parameter, statement)
        statements.append(statement + ";")
        durations.append(match.group(1))
    with open(prefix + ".sql", "w") as out:
        out.write("".join(s + "\n" for s in statements))
    with open(prefix + ".ms", "w") as out:
        out.write(" ".join(durations) + "\n")
    if name is not None:
        with open(prefix + ".vars", "w") as out:
            out.write("".join(v + "\n" for v in variables))


if __name__ == "__main__":
    main(
        sys.argv[1],
        re.compile(sys.argv[2]) if len(sys.argv) > 2 else EVENTS,
        sys.argv[3] if len(sys.argv) > 3 else None,
    )
