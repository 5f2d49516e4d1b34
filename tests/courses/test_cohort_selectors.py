"""The director's dashboard as data: cells, summaries, who is at risk, competencies, over time."""

from datetime import date
from decimal import Decimal

import pytest

from courses.cohorts.selectors.access import (
    cohort_for_director,
    cohort_for_viewer,
    cohorts_visible_to,
)
from courses.cohorts.selectors.dashboard import cohort_progress
from courses.cohorts.selectors.learners import cohort_learners_matching
from courses.models import Cohort, Enrolment, Module, ModuleDueDate
from courses.services.enrolment import lesson_complete
from lms.errors import ApplicationError, NotFound, PermissionDenied
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.cohorts import add_learners, at, set_progress
from tests.factories import UserFactory, right_answers, wrong_answers

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 15)


@pytest.fixture
def modules(cohort):
    """Three modules: two required, tagged with ACGME competencies; the third optional."""
    m1, m2 = cohort.course.modules.order_by("position")
    m1.competencies = ["interpersonal_communication", "professionalism"]
    m1.save()
    m2.competencies = ["interpersonal_communication", "patient_care"]
    m2.save()
    m3 = m1.course.modules.create(
        position=3,
        slug="m3",
        title="Module 3",
        competencies=["systems_based_practice"],
        required=False,
        status=Module.Status.PUBLISHED,
    )
    ModuleDueDate.objects.create(cohort=cohort, module=m1, due_on=date(2026, 8, 1))
    ModuleDueDate.objects.create(cohort=cohort, module=m2, due_on=date(2026, 11, 1))
    return m1, m2, m3


@pytest.fixture
def learners(cohort, modules):
    """Amara completed; Benjamin failed and is overdue; Chloé stalled; Daniel never started."""
    m1, m2, m3 = modules
    amara, benjamin, chloe, daniel = add_learners(cohort, 4)
    Enrolment.objects.filter(cohort=cohort).update(enrolled_at=at(2026, 7, 1))
    set_progress(
        amara,
        m1,
        status="passed",
        best=92,
        attempts=1,
        last_passed=True,
        passed_at=at(2026, 7, 20),
        activity=at(2026, 7, 20),
    )
    set_progress(
        amara,
        m2,
        status="passed",
        best=85,
        attempts=1,
        last_passed=True,
        passed_at=at(2026, 9, 10),
        activity=at(2026, 9, 10),
    )
    set_progress(
        amara,
        m3,
        status="passed",
        best=78,
        attempts=2,
        last_passed=True,
        passed_at=at(2026, 9, 20),
        activity=at(2026, 9, 20),
    )
    Enrolment.objects.filter(pk=amara.pk).update(status="completed", completed_at=at(2026, 9, 20))
    set_progress(
        benjamin,
        m1,
        status="failed",
        best=55,
        attempts=2,
        last_passed=False,
        activity=at(2026, 10, 10),
    )
    set_progress(
        chloe,
        m1,
        status="passed",
        best=75,
        attempts=1,
        last_passed=True,
        passed_at=at(2026, 7, 25),
        activity=at(2026, 7, 25),
    )
    set_progress(chloe, m2, status="in_progress", activity=at(2026, 8, 1))
    return amara, benjamin, chloe, daniel


def test_each_cell_has_the_status_best_score_and_attempts(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=TODAY)

    assert [row.name for row in progress.learners] == [
        "Amara Nwosu",
        "Benjamin Cohen",
        "Chloé Dubois",
        "Daniel Kim",
    ]
    assert [
        [(c.status, c.best_score_percent, c.attempts) for c in r.cells] for r in progress.learners
    ] == [
        [
            ("passed", Decimal("92.00"), 1),
            ("passed", Decimal("85.00"), 1),
            ("passed", Decimal("78.00"), 2),
        ],
        [("overdue", Decimal("55.00"), 2), ("not_started", None, 0), ("not_started", None, 0)],
        [("passed", Decimal("75.00"), 1), ("in_progress", None, 0), ("not_started", None, 0)],
        [("overdue", None, 0), ("not_started", None, 0), ("not_started", None, 0)],
    ]
    # Required modules only count towards progress; the optional third does not.
    assert [(r.modules_passed, r.progress_percent) for r in progress.learners] == [
        (3, 100.0),
        (0, 0.0),
        (1, 50.0),
        (0, 0.0),
    ]
    assert [r.average_score_percent for r in progress.learners] == [
        Decimal("85.00"),
        Decimal("55.00"),
        Decimal("75.00"),
        None,
    ]


def test_per_module_completion_average_and_distribution(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=TODAY)

    m1, m2, m3 = progress.modules
    assert (m1.passed, m1.completion_rate, m1.average_score_percent) == (2, 0.5, Decimal("74.00"))
    assert (m1.overdue, m1.failed, m1.due_on, m1.pass_mark_percent) == (
        2,
        1,
        date(2026, 8, 1),
        60,
    )
    assert (m2.passed, m2.completion_rate, m2.average_score_percent, m2.overdue) == (
        1,
        0.25,
        Decimal("85.00"),
        0,
    )
    assert m1.score_histogram == [0, 0, 0, 0, 0, 1, 0, 1, 0, 1]
    assert m3.score_histogram == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]
    assert (progress.completed, progress.completion_rate) == (1, 0.25)


def test_the_at_risk_list_gives_the_reasons(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=TODAY)

    assert [(r.name, [x.message for x in r.risks]) for r in progress.at_risk] == [
        (
            "Benjamin Cohen",
            ["Overdue: Module 1 (due 1 Aug 2026)", "Failed the last attempt: Module 1"],
        ),
        ("Chloé Dubois", ["No activity for 75 days"]),
        (
            "Daniel Kim",
            ["Overdue: Module 1 (due 1 Aug 2026)", "No activity since joining, 106 days ago"],
        ),
    ]
    assert [x.code for x in progress.at_risk[0].risks] == ["overdue", "failed_last_attempt"]


def test_inactivity_counts_from_the_cohorts_own_threshold(cohort, modules, learners):
    Cohort.objects.filter(pk=cohort.pk).update(inactivity_days=90)
    cohort.refresh_from_db()
    progress = cohort_progress(cohort=cohort, today=TODAY)
    assert [r.name for r in progress.at_risk] == ["Benjamin Cohen", "Daniel Kim"]


def test_before_the_due_date_nothing_is_overdue(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=date(2026, 7, 10))
    assert {c.status for r in progress.learners for c in r.cells} <= {
        "passed",
        "failed",
        "in_progress",
        "not_started",
    }
    assert progress.learners[1].cells[0].status == "failed"


def test_the_competency_roll_up_per_learner_and_for_the_cohort(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=TODAY)

    assert [(c.code, c.share) for c in progress.competencies] == [
        ("patient_care", 0.25),
        ("interpersonal_communication", 0.375),
        ("professionalism", 0.5),
        ("systems_based_practice", 0.25),
    ]
    assert [r.competencies for r in progress.learners] == [
        {
            "patient_care": 1.0,
            "interpersonal_communication": 1.0,
            "professionalism": 1.0,
            "systems_based_practice": 1.0,
        },
        {
            "patient_care": 0.0,
            "interpersonal_communication": 0.0,
            "professionalism": 0.0,
            "systems_based_practice": 0.0,
        },
        {
            "patient_care": 0.0,
            "interpersonal_communication": 0.5,
            "professionalism": 1.0,
            "systems_based_practice": 0.0,
        },
        {
            "patient_care": 0.0,
            "interpersonal_communication": 0.0,
            "professionalism": 0.0,
            "systems_based_practice": 0.0,
        },
    ]


def test_completions_over_time_week_by_week(cohort, modules, learners):
    timeline = cohort_progress(cohort=cohort, today=TODAY).timeline

    assert timeline[0].day == date(2026, 7, 1)
    assert timeline[-1].day == TODAY
    assert [p.day for p in timeline[:4]] == [
        date(2026, 7, 1),
        date(2026, 7, 8),
        date(2026, 7, 15),
        date(2026, 7, 22),
    ]
    by_day = {p.day: (p.modules_passed_share, p.completed_share) for p in timeline}
    assert by_day[date(2026, 7, 15)] == (0.0, 0.0)
    assert by_day[date(2026, 7, 22)] == (round(1 / 12, 4), 0.0)
    assert by_day[date(2026, 9, 23)] == (round(4 / 12, 4), 0.25)
    assert by_day[TODAY] == (round(4 / 12, 4), 0.25)


def test_the_read_model_from_real_attempts_feeds_failed_last_attempt(cohort, modules):
    (enrolment,) = add_learners(cohort, 1)
    user = enrolment.user
    m1 = modules[0]
    quiz = m1.quizzes.get()
    for lesson in m1.lessons.all():
        lesson_complete(user=user, lesson=lesson)
    for answers in (right_answers, wrong_answers):
        attempt, _ = attempt_start(user=user, quiz=quiz)
        attempt_submit(user=user, attempt_id=attempt.id, responses=answers(attempt))
        attempt_grade(attempt_id=attempt.id)

    row = cohort_progress(cohort=cohort, today=date(2026, 7, 20)).learners[0]
    # Passed on the first try, failed a second one: passed still, and not at risk for it.
    assert (row.cells[0].status, row.cells[0].best_score_percent, row.cells[0].attempts) == (
        "passed",
        Decimal("100.00"),
        2,
    )
    assert [r.code for r in row.risks] == []

    m2 = modules[1]
    attempt, _ = attempt_start(user=user, quiz=m2.quizzes.get())
    attempt_submit(user=user, attempt_id=attempt.id, responses=wrong_answers(attempt))
    attempt_grade(attempt_id=attempt.id)
    row = cohort_progress(cohort=cohort, today=date(2026, 7, 20)).learners[0]
    assert row.cells[1].status == "failed"
    assert [r.message for r in row.risks] == ["Failed the last attempt: Module 2"]


# --- searching, filtering, sorting --------------------------------------------------------------


def names(rows) -> list[str]:
    return [r.name for r in rows]


def test_search_finds_names_without_accents_and_addresses(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=TODAY)
    assert names(cohort_learners_matching(progress, q="chloe")) == ["Chloé Dubois"]
    assert names(cohort_learners_matching(progress, q="RESIDENT3@")) == ["Daniel Kim"]
    assert names(cohort_learners_matching(progress, q="nobody")) == []


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("all", ["Amara Nwosu", "Benjamin Cohen", "Chloé Dubois", "Daniel Kim"]),
        ("at_risk", ["Benjamin Cohen", "Chloé Dubois", "Daniel Kim"]),
        ("overdue", ["Benjamin Cohen", "Daniel Kim"]),
        ("failed", ["Benjamin Cohen"]),
        ("inactive", ["Chloé Dubois", "Daniel Kim"]),
        ("completed", ["Amara Nwosu"]),
        ("not_completed", ["Benjamin Cohen", "Chloé Dubois", "Daniel Kim"]),
    ],
)
def test_filters(cohort, modules, learners, show, expected):
    progress = cohort_progress(cohort=cohort, today=TODAY)
    assert names(cohort_learners_matching(progress, show=show)) == expected


def test_sorting(cohort, modules, learners):
    progress = cohort_progress(cohort=cohort, today=TODAY)
    m1 = modules[0]
    assert names(cohort_learners_matching(progress, sort="-name"))[0] == "Daniel Kim"
    assert names(cohort_learners_matching(progress, sort="-progress"))[:2] == [
        "Amara Nwosu",
        "Chloé Dubois",
    ]
    assert names(cohort_learners_matching(progress, sort=f"-module-{m1.id}")) == [
        "Amara Nwosu",
        "Chloé Dubois",
        "Benjamin Cohen",
        "Daniel Kim",
    ]
    assert names(cohort_learners_matching(progress, sort="-activity"))[0] == "Benjamin Cohen"
    assert names(cohort_learners_matching(progress, sort="-risk"))[0] == "Daniel Kim"


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"sort": "email"}, "sort"), ({"sort": "module-999999"}, "sort"), ({"show": "late"}, "show")],
)
def test_an_unknown_sort_or_filter_is_a_clear_error(cohort, modules, arguments, field):
    progress = cohort_progress(cohort=cohort, today=TODAY)
    with pytest.raises(ApplicationError) as caught:
        cohort_learners_matching(progress, **arguments)
    assert list(caught.value.details) == [field]


# --- a fixed number of queries ------------------------------------------------------------------


@pytest.mark.parametrize("size", [20, 200])
def test_the_dashboard_reads_in_eight_queries_whatever_the_size(
    cohort, modules, size, django_assert_num_queries
):
    enrolments = add_learners(cohort, size)
    for n, enrolment in enumerate(enrolments):
        set_progress(
            enrolment,
            modules[n % 3],
            status="passed",
            best=60 + n % 40,
            attempts=1,
            last_passed=True,
            passed_at=at(2026, 8, 1),
            activity=at(2026, 8, 1),
        )

    # Modules, due dates, pass marks, learners, cells, last activity, passes by day, and the
    # learners' own due dates.
    with django_assert_num_queries(8):
        progress = cohort_progress(cohort=cohort, today=TODAY)
        cohort_learners_matching(progress, q="a", show="at_risk", sort="-progress")

    assert len(progress.learners) == size


# --- who sees which cohort ----------------------------------------------------------------------


def test_directors_see_the_cohorts_they_direct_and_instructors_those_of_their_courses(
    cohort, director, other_director, instructor, learner
):
    theirs = Cohort.objects.create(
        course=cohort.course,
        name="Nurse managers 2026",
        start_date=date(2026, 9, 1),
        end_date=date(2027, 8, 31),
    )
    theirs.directors.add(other_director)
    staff = UserFactory(username="staff", is_staff=True)
    add_learners(cohort, 2)

    assert [c.name for c in cohorts_visible_to(user=director)] == ["PGY-1 residents 2026"]
    assert [c.learner_count for c in cohorts_visible_to(user=director)] == [2]  # type: ignore[attr-defined]  # an annotation of cohorts_visible_to's query
    assert [c.name for c in cohorts_visible_to(user=other_director)] == ["Nurse managers 2026"]
    assert [c.name for c in cohorts_visible_to(user=instructor)] == [
        "Nurse managers 2026",
        "PGY-1 residents 2026",
    ]
    assert list(cohorts_visible_to(user=learner)) == []
    assert cohorts_visible_to(user=staff).count() == 2


def test_viewing_and_changing_a_cohort(cohort, director, other_director, instructor, learner):
    assert cohort_for_viewer(user=director, cohort_id=cohort.id).viewer_is_director is True
    assert cohort_for_viewer(user=instructor, cohort_id=cohort.id).viewer_is_director is False
    assert cohort_for_director(user=director, cohort_id=cohort.id) == cohort
    with pytest.raises(PermissionDenied):
        cohort_for_director(user=instructor, cohort_id=cohort.id)
    for stranger in (other_director, learner):
        with pytest.raises(NotFound):
            cohort_for_viewer(user=stranger, cohort_id=cohort.id)
        with pytest.raises(NotFound):
            cohort_for_director(user=stranger, cohort_id=cohort.id)
    with pytest.raises(NotFound):
        cohort_for_viewer(user=director, cohort_id=cohort.id + 1000)
