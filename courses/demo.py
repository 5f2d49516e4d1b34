"""Loading the demo course and accounts, idempotently: running it again changes nothing."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from certificates.demo import demo_branding_load
from certificates.models import CreditClaim
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.services import enrolment as enrolment_services
from quizzes.models import Choice, Question, QuestionCategory, Quiz, QuizSlot
from quizzes.services.attempts import attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade

from .demo_cohort import load_demo_cohort
from .demo_content import COURSE
from .models import Cohort, Course, Enrolment, Lesson, Module

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


def _course() -> Course:
    fields = {k: v for k, v in COURSE.items() if k not in ("slug", "modules")}
    fields["max_credits"] = Decimal(fields["max_credits"])
    fields["status"] = Course.Status.PUBLISHED
    course, _ = Course.objects.update_or_create(slug=COURSE["slug"], defaults=fields)
    for position, data in enumerate(COURSE["modules"], start=1):
        module, _ = Module.objects.update_or_create(
            course=course,
            slug=data["slug"],
            defaults={
                "position": position,
                "title": data["title"],
                "summary": data["summary"],
                "competencies": data["competencies"],
                "required": data["required"],
                "status": Module.Status.PUBLISHED,
            },
        )
        for lesson_position, lesson in enumerate(data["lessons"], start=1):
            Lesson.objects.update_or_create(
                module=module,
                slug=lesson["slug"],
                defaults={
                    "position": lesson_position,
                    "title": lesson["title"],
                    "body": lesson["body"].strip(),
                    "estimated_minutes": lesson["minutes"],
                    "status": Lesson.Status.PUBLISHED,
                },
            )
        _quiz(course, module, data["quiz"])
    return course


def _quiz(course: Course, module: Module, data: dict) -> Quiz:
    category, _ = QuestionCategory.objects.get_or_create(course=course, name=module.title)
    quiz, _ = Quiz.objects.update_or_create(
        module=module,
        title=data["title"],
        defaults={"pass_mark_percent": data["pass_mark"], "status": Quiz.Status.PUBLISHED},
    )
    for position, q in enumerate(data["questions"], start=1):
        question, _ = Question.objects.update_or_create(
            category=category,
            name=f"{module.title}: question {position}",
            defaults={
                "type": Question.Type.SINGLE_CHOICE,
                "text": q["text"],
                "general_feedback": q["general_feedback"],
            },
        )
        for choice_position, choice in enumerate(q["choices"], start=1):
            Choice.objects.update_or_create(
                question=question,
                position=choice_position,
                defaults={
                    "text": choice["text"],
                    "fraction": Decimal("1") if choice["correct"] else Decimal("0"),
                    "feedback": choice["feedback"],
                },
            )
        QuizSlot.objects.update_or_create(
            quiz=quiz, position=position, defaults={"question": question}
        )
    return quiz


def _complete_course(user, course: Course, cohort: Cohort) -> None:
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
                right = {
                    item.question_id: {
                        "choice_ids": [c.id for c in item.question.choices.all() if c.fraction > 0][
                            :1
                        ]
                    }
                    for item in attempt.questions.select_related("question")
                }
                attempt_submit(user=user, attempt_id=attempt.id, responses=right)
                attempt_grade(attempt_id=attempt.id)
    # The graduate claims the course's full credit, as learners do before their certificate.
    if not CreditClaim.objects.filter(enrolment=enrolment).exists():
        credit_claim_create(user=user, course=course, credits=course.max_credits, attested=True)
    # Rendered here so the demo opens with a ready certificate; a no-op when it is ready.
    certificate_issue(enrolment_id=enrolment.id)


def load_demo(*, password: str) -> dict:
    with transaction.atomic():
        users = {u: _user(u, name, role, password) for u, name, role in ACCOUNTS}
        course = _course()
        course.instructors.add(users["instructor"])
        cohort, _ = Cohort.objects.get_or_create(
            course=course,
            name="PGY-1 residents 2026",
            defaults={"start_date": date(2026, 7, 1), "end_date": date(2027, 6, 30)},
        )
        cohort.directors.add(users["director"])
        demo_branding_load(course=course)
    _complete_course(users["graduate"], course, cohort)
    load_demo_cohort(cohort=cohort, director=users["director"])
    return {"course": course, "users": users}
