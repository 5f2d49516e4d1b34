"""Loading the demo course and accounts, idempotently: running it again changes nothing."""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from certificates.demo import demo_branding_load
from certificates.models import CreditClaim
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.services import enrolment as enrolment_services
from courses.services.package_files import read_folder
from courses.services.packages import package_load
from lms.errors import ApplicationError
from quizzes.models import Question
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade, attempt_question_grade

from .demo_answers import demo_response
from .demo_cohort import load_demo_cohort
from .models import Cohort, Course, Enrolment

FLAGSHIP_PACKAGE = Path(__file__).resolve().parent.parent / "content" / "leadership-in-medicine"

DEFAULT_DEMO_PASSWORD = "leadership-demo"  # noqa: S105  (demo accounts only; printed on load)

ACCOUNTS = [
    # username, full name, role
    ("learner", "Alex Rivera, MD", "learner"),
    ("graduate", "Zoë Ångström-Nuñez, MD", "learner"),
    ("instructor", "Dr. Priya Raman", "instructor"),
    ("director", "Dr. Samuel Okafor", "director"),
    ("admin", "Site Administrator", "admin"),
]


def _user(username: str, full_name: str, role: str, password: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@example.org",
            "is_staff": role == "admin",
            "is_superuser": role == "admin",
        },
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _course(loader) -> Course:
    """The flagship course from its package in content/, through the package loader."""
    plan = package_load(actor=loader, files=read_folder(FLAGSHIP_PACKAGE))
    if plan.problems:
        raise ApplicationError(
            "The flagship package has problems: " + "; ".join(str(p) for p in plan.problems)
        )
    assert plan.course is not None  # a valid package's course exists once loaded
    return plan.course


def _right_answers(attempt) -> dict[int, object]:
    responses: dict[int, object] = {}
    for item in attempt.questions.select_related("question"):
        choices = list(item.question.choices.order_by("position"))
        responses[item.question_id] = demo_response(
            item.question, choices, item.options, right=True
        )
    return responses


def _complete_course(user, course: Course, cohort: Cohort, grader) -> None:
    """Walk `user` through the course with right answers, as a learner would."""
    enrolment, _ = enrolment_services.enrolment_create(user=user, course=course)
    if enrolment.cohort_id != cohort.id:
        enrolment.cohort = cohort
        enrolment.save(update_fields=["cohort"])
    if enrolment.status != Enrolment.Status.COMPLETED:
        for module in course.modules.filter(required=True):
            for lesson in module.lessons.all():
                enrolment_services.lesson_complete(user=user, lesson=lesson)
            for quiz in module.quizzes.all():
                attempt, _ = attempt_start(user=user, quiz=quiz)
                attempt_submit(user=user, attempt_id=attempt.id, responses=_right_answers(attempt))
                attempt_grade(attempt_id=attempt.id)
                # The instructor scores the graduate's reflective essays in full.
                for item in attempt.questions.filter(question__type=Question.Type.ESSAY):
                    attempt_question_grade(
                        grader=grader,
                        attempt_id=attempt.id,
                        question_id=item.question_id,
                        score=str(item.points),
                        comment="A clear, specific plan.",
                    )
    # The graduate claims the course's full credit, as learners do before their certificate.
    if not CreditClaim.objects.filter(enrolment=enrolment).exists():
        credit_claim_create(user=user, course=course, credits=course.max_credits, attested=True)
    # Rendered here so the demo opens with a ready certificate; a no-op when it is ready.
    certificate_issue(enrolment_id=enrolment.id)


def load_demo(*, password: str) -> dict:
    with transaction.atomic():
        users = {u: _user(u, name, role, password) for u, name, role in ACCOUNTS}
        course = _course(users["admin"])
        course.instructors.add(users["instructor"])
        cohort, _ = Cohort.objects.get_or_create(
            course=course,
            name="PGY-1 residents 2026",
            defaults={"start_date": date(2026, 7, 1), "end_date": date(2027, 6, 30)},
        )
        cohort.directors.add(users["director"])
        demo_branding_load(course=course)
    _complete_course(users["graduate"], course, cohort, users["instructor"])
    load_demo_cohort(cohort=cohort, director=users["director"])
    return {"course": course, "users": users}
