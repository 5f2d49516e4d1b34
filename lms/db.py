"""Database helpers the services share."""

import operator
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

# Fields whose preparation returns these Python values unchanged on PostgreSQL: they are sent
# as they are, saving a few microseconds a value (thousands of values per grading pass).
_PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DecimalField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
_PLAIN_VALUES = (type(None), bool, int, str, Decimal)


def fetch_all(sql: str, params, *, orm: Callable[[], Iterable[tuple]]) -> list[tuple]:
    """The rows of one read on the grading path: `sql` on PostgreSQL, where building the query
    through the ORM cost more than running it (benchmarks/grading.py); elsewhere (SQLite, the
    embedded default) the same rows from `orm`, a values_list built only then, whose
    converters give the types (Decimal, datetime) a raw SQLite cursor would not."""
    if connection.vendor != "postgresql":
        return list(orm())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def id_array(ids) -> str:
    """Ids as one PostgreSQL array literal, to send as `%s::bigint[]`; a value that is not an
    integer raises, where `_array_literal` would give None (and the query match nothing)."""
    return _array_literal([operator.index(i) for i in ids])


def rows_update(model, pks: list, values: dict[str, list]) -> None:
    """Set each row's columns to its own values in one statement: `values` maps a field name
    to a list holding one value per primary key in `pks` (of one Python type, as the field
    would hold it).

    On PostgreSQL the values travel as one array per column (`UPDATE ... FROM unnest`).
    Django's `bulk_update` builds a CASE expression per row and field in Python, which cost a
    grading worker more than the grading itself; other databases still get it.
    """
    if not pks:
        return
    if connection.vendor != "postgresql":
        columns = zip(pks, *values.values(), strict=True)
        rows = [model(pk=pk, **dict(zip(values, row, strict=True))) for pk, *row in columns]
        model._base_manager.bulk_update(rows, list(values))
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in values)]
    arrays = [
        _array_literal(prepared) or prepared
        for prepared in (
            _prepared(c, a) for c, a in zip(columns, [pks, *values.values()], strict=True)
        )
    ]
    quote = connection.ops.quote_name
    names = [quote(column.column) for column in columns]
    sets = ", ".join(f"{name} = v.{name}" for name in names[1:])
    # Arrays of the base types (varchar, numeric): a cast to varchar(12) would cut a value
    # short without an error, where the column itself refuses it.
    unnest = ", ".join(
        f"%s::{column.cast_db_type(connection).split('(')[0]}[]" for column in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {sets} "  # noqa: S608 (names from the model)
            f"FROM unnest({unnest}) AS v({', '.join(names)}) WHERE t.{names[0]} = v.{names[0]}",
            arrays,
        )


def _array_literal(values) -> str | None:
    """The values as one PostgreSQL array literal, to send as `%s::type[]`; None if one is of
    a type not written here (JSON, say: pass the list itself, and psycopg quotes it).

    psycopg quotes a list for the query element by element in Python; a single string it
    quotes in C. For the thousand scores of a grading pass that was a fifth of the pass.
    """
    parts = []
    for value in values:
        kind = type(value)
        if value is None:
            parts.append("NULL")
        elif kind is bool:
            parts.append("t" if value else "f")
        elif kind is int or kind is Decimal:
            parts.append(str(value))
        elif kind is str:
            parts.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif kind is datetime or kind is date:
            parts.append(value.isoformat())
        else:
            return None
    return "{" + ",".join(parts) + "}"


def _prepared(column, values: list) -> list:
    plain = column.get_internal_type() in _PLAIN_FIELDS
    return [
        value
        if plain and type(value) in _PLAIN_VALUES
        else column.get_db_prep_save(value, connection)
        for value in values
    ]


def objects_update(objs: list, fields: list[str]) -> None:
    """Write `fields` of these saved instances of one model in one statement (`rows_update`)."""
    if objs:
        rows_update(
            type(objs[0]),
            [obj.pk for obj in objs],
            {name: [getattr(obj, name) for obj in objs] for name in fields},
        )
