"""lms.db.rows_update: many rows, each with its own values, in one statement."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.db import objects_update, rows_update
from quizzes.models import Attempt, AttemptQuestion
from quizzes.services import attempt_start
from tests.factories import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(learner, course):
    enrol(learner, course)
    attempt, _ = attempt_start(user=learner, quiz=course.modules.first().quizzes.get())
    return list(attempt.questions.order_by("position"))


def test_each_row_gets_its_own_values_of_every_kind_in_one_statement(items):
    when = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    values = {
        "score": [Decimal("1.00"), None, Decimal("0.50")],
        "fraction": [Decimal("1"), None, Decimal("0.5")],
        "response": [{"choice_ids": [1]}, None, {"text": "SBAR"}],  # JSON: prepared by the field
        "responded_at": [when, None, when],
        # Text that an array literal must quote: quotes, backslashes, braces, commas, NULL.
        "comment": ['Say "SBAR", not {SOAP}.', "NULL", "C:\\notes\\ plan "],
    }
    with CaptureQueriesContext(connection) as queries:
        rows_update(AttemptQuestion, [i.pk for i in items], values)

    assert len(queries) == 1
    stored = AttemptQuestion.objects.order_by("position").values_list(*values)
    expected = zip(*values.values(), strict=True)
    assert [list(row) for row in stored] == [list(row) for row in expected]


def test_objects_update_writes_the_named_fields_of_each_instance(items):
    attempt = items[0].attempt
    attempt.state, attempt.percent = Attempt.State.SUBMITTED, Decimal("66.67")
    attempt.submitted_at = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    attempt.number = 99  # not named: not written

    objects_update([attempt], ["state", "percent", "submitted_at"])

    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.state, stored.percent, stored.number) == ("submitted", Decimal("66.67"), 1)
