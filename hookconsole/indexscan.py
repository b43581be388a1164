"""Distinct values of an indexed column by a loose index scan.

Hand-written SQL because the ORM has no recursive CTE: one index probe per
distinct value (PostgreSQL and SQLite), where SELECT DISTINCT reads every row.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Model

MAX_VALUES = 500


def distinct_values(
    model: type[Model], column: str, using: str, *, prefix: str | None = None
) -> list[str]:
    """The column's distinct non-null values, ascending; only those under ``prefix`` if given.

    The prefix is a byte-wise range ("/" follows "."), which matches PostgreSQL
    only under the C collation: it is for SQLite, whose default is byte-wise.
    """
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(column)
    lower, upper, params = "", "", []
    if prefix is not None:
        lower, upper, params = f" WHERE {col} >= %s", f" AND {col} < %s", [prefix, prefix + "/"]
    sql = (
        f"WITH RECURSIVE walk(value, n) AS ("
        f" SELECT MIN({col}), 1 FROM {table}{lower}{upper}"
        f" UNION ALL"
        f" SELECT (SELECT MIN({col}) FROM {table} WHERE {col} > walk.value{upper}), n + 1"
        f" FROM walk WHERE walk.value IS NOT NULL AND n < %s"
        f") SELECT value FROM walk WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params[1:], MAX_VALUES])
        return [row[0] for row in cursor.fetchall()]
