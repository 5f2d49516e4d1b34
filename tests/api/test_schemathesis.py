"""Hostile input generated from the OpenAPI schema at /api/schema/, bounded for CI.

Schemathesis reads the schema through the WSGI app and, for every operation, sends
`MAX_EXAMPLES` generated requests as a learner and as a program director (token auth). Every
answer must be no server error, a status code the schema documents, a body that matches it,
and, for an error, the API's `{"error": {"code", "message", "details"}}` shape.
"""

from datetime import date

import pytest
import schemathesis
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courses.cohorts.selectors.access import PROGRAM_DIRECTORS_GROUP
from courses.models import Cohort
from tests.factories import UserFactory, build_course, enrol

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read at collection time, through the app (the schema view needs no database). Schemathesis's
# lazy `from_fixture` loader does not run on this pytest (it sets `node._nodeid`).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, as Django's test
    client does not: that would close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers() -> dict[str, dict[str, str]]:
    """A course, a cohort, and a token header for a learner in the cohort and its director."""
    course = build_course(modules=1, questions=2, slug="fuzz-course")
    cohort = Cohort.objects.create(
        course=course, name="Fuzz cohort", start_date=date(2026, 1, 5), end_date=date(2026, 6, 30)
    )
    learner = UserFactory(username="fuzz-learner")
    enrolment = enrol(learner, course)
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    director = UserFactory(username="fuzz-director")
    Group.objects.get(name=PROGRAM_DIRECTORS_GROUP).user_set.add(director)
    cohort.directors.add(director)
    return {
        name: {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
        for name, user in (("learner", learner), ("director", director))
    }


def assert_error_shape(response) -> None:
    if response.status_code < 400 or response.status_code == 405:
        return
    content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])
    assert "json" in content_type[0], response.headers
    body = response.json()
    assert list(body) == ["error"], body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)


SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def call_and_check(case, headers: dict[str, str]) -> None:
    response = case.call(headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
    assert_error_shape(response)


@schema.parametrize()
@SETTINGS
def test_hostile_input_as_a_learner(case, token_headers):
    call_and_check(case, token_headers["learner"])


@schema.parametrize()
@SETTINGS
def test_hostile_input_as_a_director(case, token_headers):
    call_and_check(case, token_headers["director"])
