"""Writing many rows in one statement, each field's value chosen by a few CASE branches."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Case, Field, Model, Q, Value, When


def update_grouped(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[tuple[object, tuple[object, ...]]],
    where: Q | None = None,
) -> int:
    """Set `fields` of each row `(pk, values)` in one UPDATE. Returns the rows updated.

    `where`, when given, must select exactly these rows, in fewer words than their keys (a
    grading pass names its thousand question rows by their fifty attempts).

    Each field gets one CASE branch per distinct value (`WHEN id IN (...) THEN value`), its
    commonest value as the ELSE: a grading pass's thousand question scores take a dozen
    values, and its fifty attempts' totals about as many. Django's `bulk_update` builds a
    branch per row and field instead: measured on a pass of fifty 20-question attempts, it
    took 85 ms of worker CPU where this takes a fraction of it (benchmarks/grading.py).
    """
    rows = list(rows)
    if not rows:
        return 0
    changes = {}
    for index, name in enumerate(fields):
        field = model._meta.get_field(name)
        assert isinstance(field, Field), f"{model.__name__}.{name} is not a model field"
        by_value: dict[object, list[object]] = defaultdict(list)
        for pk, values in rows:
            by_value[values[index]].append(pk)
        commonest, *others = sorted(by_value, key=lambda v: -len(by_value[v]))
        default = Value(commonest, output_field=field)
        changes[name] = (
            Case(
                *(When(pk__in=by_value[v], then=Value(v, output_field=field)) for v in others),
                default=default,
                output_field=field,
            )
            if others
            else default
        )
    rows_named = where if where is not None else Q(pk__in=[pk for pk, _ in rows])
    return model._base_manager.filter(rows_named).update(**changes)


def save_grouped(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Write `fields` of these saved instances of one model (`update_grouped`)."""
    if not objs:
        return 0
    return update_grouped(
        type(objs[0]), fields, ((obj.pk, tuple(getattr(obj, f) for f in fields)) for obj in objs)
    )
