"""Cohort fixtures: a program director with the right to create cohorts, a cohort, learners."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission

from courses.models import Cohort
from tests.cohorts import add_learners


@pytest.fixture
def director(director):
    """The director persona, holding the program directors' right to create cohorts."""
    director.user_permissions.add(Permission.objects.get(codename="add_cohort"))
    return director


@pytest.fixture
def other_director(db):
    from tests.factories import UserFactory

    user = UserFactory(username="other-director", full_name="Dr. Ingrid Halvorsen")
    user.user_permissions.add(Permission.objects.get(codename="add_cohort"))
    return user


@pytest.fixture
def cohort(course, director):
    cohort = Cohort.objects.create(
        course=course,
        name="PGY-1 residents 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2027, 6, 30),
    )
    cohort.directors.add(director)
    return cohort


@pytest.fixture
def cohort_learners(cohort):
    return add_learners(cohort, 3)
