"""Concurrent triggers of one certificate (the task delivered again, the sweeper, a director's
batch) issue it once, against PostgreSQL with a connection per thread."""

import pytest
from django.db import connection

from certificates.models import Certificate, CertificateEvent
from certificates.services.issue import certificate_issue
from tests.api.test_attempt_races import at_once

pytestmark = pytest.mark.django_db(transaction=True)

TRIGGERS = 20


def test_twenty_triggers_at_once_issue_one_certificate(completed):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks are what this test proves: it needs PostgreSQL.")

    results = at_once(*[lambda: certificate_issue(enrolment_id=completed.id)] * TRIGGERS)

    assert not [r for r in results if isinstance(r, Exception)]
    certificate = Certificate.objects.get(enrolment=completed)
    assert {r.pk for r in results} == {certificate.pk}
    assert (certificate.status, certificate.version) == (Certificate.Status.READY, 1)
    kinds = list(certificate.events.values_list("kind", flat=True))
    assert kinds.count(CertificateEvent.Kind.ISSUED) == 1
    assert kinds.count(CertificateEvent.Kind.RENDERED) == 1
