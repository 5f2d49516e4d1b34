"""Writing many rows that take a few distinct values: one UPDATE per distinct value."""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Model


def update_grouped(
    model: type[Model], fields: Sequence[str], rows: Iterable[tuple[object, tuple[object, ...]]]
) -> int:
    """Set `fields` of each row `(pk, values)`, one `UPDATE ... WHERE id IN (...)` per
    distinct `values`. Returns the number of statements sent.

    A grading pass writes a thousand question scores that take a dozen values, and fifty
    attempts' totals that take a few: grouped, that is a few statements, where
    `bulk_update` builds and sends a CASE branch for every row and field.
    """
    groups: dict[tuple[object, ...], list[object]] = defaultdict(list)
    for pk, values in rows:
        groups[values].append(pk)
    for values, pks in groups.items():
        model._base_manager.filter(pk__in=pks).update(**dict(zip(fields, values, strict=True)))
    return len(groups)


def save_grouped(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Write `fields` of these saved instances of one model (`update_grouped`)."""
    if not objs:
        return 0
    return update_grouped(
        type(objs[0]), fields, ((obj.pk, tuple(getattr(obj, f) for f in fields)) for obj in objs)
    )
