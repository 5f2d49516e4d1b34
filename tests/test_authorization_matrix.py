"""The authorization matrix: every route of the URLconf, as each of eight personas.

A fixture world (`build_world`) gives every URL parameter a real row; `ROUTES` says, for each
route name, how its parameters are filled and what each persona gets for GET, POST and PUT
(with an empty body). A route missing from `ROUTES` fails `test_every_route_has_an_entry`, and
nothing may answer 500.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services.calendar import calendar_token_issue
from certificates.models import Certificate, CertificateBatch
from certificates.services.batches import certificate_batch_create
from certificates.services.credit import credit_claim_create
from certificates.services.issue import certificate_issue
from courses.cohorts.selectors.access import PROGRAM_DIRECTORS_GROUP
from courses.cohorts.selectors.exports import cohort_export_download_token
from courses.cohorts.selectors.invitations import invitation_link_token
from courses.cohorts.services.invitations import invitation_secret
from courses.models import (
    Cohort,
    CohortExport,
    CohortInvitation,
    Course,
    Lesson,
    LessonAttachment,
    LessonImage,
)
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Question,
    Quiz,
    QuizOverride,
    QuizSlot,
    RegradeJob,
)
from quizzes.services.attempts import attempt_save_response, attempt_start, attempt_submit
from quizzes.services.grading import attempt_grade
from tests.api.helpers import complete_course
from tests.factories import UserFactory, build_course, enrol
from tests.quizzes.builders import essay

PERSONAS = (
    "anonymous",
    "learner",  # enrolled in the course, in the cohort; owns the attempts and the certificate
    "other_learner",  # enrolled in another course, in another cohort
    "instructor",  # teaches the course
    "other_instructor",  # teaches the other course
    "director",  # directs the cohort (a program director)
    "other_director",  # directs the other cohort (a program director)
    "staff",
)


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    course: Course
    lesson: Lesson
    quiz: Quiz
    slot: QuizSlot
    essay_question: Question
    graded_attempt: Attempt  # module 1's quiz, submitted: its essay waits for the instructor
    open_attempt: Attempt  # module 2's quiz, in progress
    open_question: Question
    cohort: Cohort
    certificate: Certificate
    export: CohortExport
    export_token: str
    batch: CertificateBatch
    override: QuizOverride
    invitation_uid: str
    invitation_token: str
    invitation: CohortInvitation  # to the cohort, for the other learner: not answered yet
    invitation_link: str
    regrade_job: RegradeJob  # of the course's quiz, asked by its instructor
    image: LessonImage  # in the course's first lesson
    attachment: LessonAttachment  # of the course's first lesson


def build_world() -> World:
    people = {
        name: UserFactory(
            username=f"mx-{name}", full_name=f"Matrix {name.replace('_', ' ').title()}"
        )
        for name in PERSONAS[1:]
    }
    people["staff"].is_staff = True
    people["staff"].save(update_fields=["is_staff"])
    directors = Group.objects.get(name=PROGRAM_DIRECTORS_GROUP)
    directors.user_set.add(people["director"], people["other_director"])

    course = build_course(modules=2, questions=2, title="Matrix course", slug="matrix-course")
    course.instructors.add(people["instructor"])
    other_course = build_course(modules=1, questions=1, title="Other course", slug="other-course")
    other_course.instructors.add(people["other_instructor"])
    cohort = Cohort.objects.create(
        course=course, name="Matrix cohort", start_date=date(2026, 1, 5), end_date=date(2026, 12, 1)
    )
    cohort.directors.add(people["director"])
    other_cohort = Cohort.objects.create(
        course=other_course,
        name="Other cohort",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 12, 1),
    )
    other_cohort.directors.add(people["other_director"])

    learner = people["learner"]
    for user, in_course, in_cohort in (
        (learner, course, cohort),
        (people["other_learner"], other_course, other_cohort),
    ):
        enrolment = enrol(user, in_course)
        enrolment.cohort = in_cohort
        enrolment.save(update_fields=["cohort"])

    quiz = course.modules.get(position=1).quizzes.get()
    essay_question = essay(quiz, people["instructor"])
    graded, _ = attempt_start(user=learner, quiz=quiz)
    for item in AttemptQuestion.objects.filter(attempt=graded).select_related("question"):
        if item.question.type == Question.Type.ESSAY:
            response: dict[str, Any] = {"text": "I would ask what happened."}
        else:
            response = {"choice_ids": [item.question.choices.order_by("position")[0].id]}
        attempt_save_response(
            user=learner, attempt_id=graded.id, question_id=item.question_id, response=response
        )
    attempt_submit(user=learner, attempt_id=graded.id)
    attempt_grade(attempt_id=graded.id)
    graded.refresh_from_db()
    assert graded.state == Attempt.State.NEEDS_REVIEW, graded.state

    open_quiz = course.modules.get(position=2).quizzes.get()
    open_attempt, _ = attempt_start(user=learner, quiz=open_quiz)
    open_item = open_attempt.questions.select_related("question").order_by("position")[0]

    done_course = build_course(modules=1, questions=1, title="Done course", slug="done-course")
    done = complete_course(learner, done_course)
    credit_claim_create(user=learner, course=done_course, credits="2.00", attested=True)
    certificate = certificate_issue(enrolment_id=done.id)
    assert certificate is not None

    export = CohortExport.objects.create(
        cohort=cohort,
        requested_by=people["director"],
        kind=CohortExport.Kind.MATRIX,
        format=CohortExport.Format.CSV,
    )
    export.file.save("matrix.csv", ContentFile(b"name\r\nMatrix Learner\r\n"), save=False)
    export.status = CohortExport.Status.READY
    export.save()
    batch = certificate_batch_create(
        user=people["director"], cohort=cohort, kind=CertificateBatch.Kind.ISSUE
    )
    override = QuizOverride.objects.create(
        quiz=quiz, user=learner, attempts_allowed=3, set_by=people["instructor"]
    )
    invitee = UserFactory(username="mx-invitee", full_name="Matrix Invitee")
    other_learner = people["other_learner"]
    invitation = CohortInvitation.objects.create(
        cohort=cohort,
        email=other_learner.email.lower(),
        user=other_learner,
        token=invitation_secret(),
        status=CohortInvitation.Status.INVITED,
        created_at=timezone.now(),
        invited_by=people["director"],
    )
    return World(
        users={"anonymous": None, **people},
        course=course,
        lesson=course.modules.get(position=1).lessons.order_by("position")[0],
        quiz=quiz,
        slot=quiz.slots.order_by("position")[0],
        essay_question=essay_question,
        graded_attempt=graded,
        open_attempt=open_attempt,
        open_question=open_item.question,
        cohort=cohort,
        certificate=certificate,
        export=export,
        export_token=cohort_export_download_token(export=export),
        batch=batch,
        override=override,
        invitation_uid=urlsafe_base64_encode(force_bytes(invitee.pk)),
        invitation_token=default_token_generator.make_token(invitee),
        invitation=invitation,
        invitation_link=invitation_link_token(invitation),
        regrade_job=RegradeJob.objects.create(quiz=quiz, requested_by=people["instructor"]),
        **_authoring_rows(course, people["instructor"]),
    )


def _authoring_rows(course: Course, instructor: User) -> dict[str, Any]:
    lesson = course.modules.get(position=1).lessons.order_by("position")[0]
    image = LessonImage(
        course=course, lesson=lesson, content_type="image/png", width=1, height=1, alt_text="Dot"
    )
    image.file.save("dot.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    image.save()
    attachment = LessonAttachment(
        lesson=lesson, filename="card.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("card.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return {"image": image, "attachment": attachment}


# --- the URLconf -------------------------------------------------------------------------------

# Django admin internals are the admin's own business (its tests are Django's): only its index
# and log-in are in the matrix.
ADMIN_KEPT = {"admin:index", "admin:login"}


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry
        else:  # pragma: no cover - every route of ours is named
            yield f"{namespace}<unnamed {entry.pattern}>", entry


def urlconf_route_names() -> set[str]:
    names = set()
    for name, _pattern in _walk(get_resolver("lms.urls")):
        if name.startswith("admin:") and name not in ADMIN_KEPT:
            continue
        if name in {"static", "media"} or name.startswith("djdt:"):
            continue
        names.add(name)
    return names


# --- outcomes ----------------------------------------------------------------------------------

OK = "ok"  # 2xx, or a redirect anywhere but the log-in page
LOGIN = "login"  # 302 to the log-in page (pages, anonymous)
INVALID = "invalid"  # 400/409/410/415/422: let through, and the empty body refused
DENIED = "denied"  # 401/403
HIDDEN = "hidden"  # 404: its existence is not theirs to know
NO_METHOD = "405"


def outcome(response) -> str:
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:500]!r}"
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        login_pages = (reverse("login"), reverse("admin:login"))
        return LOGIN if location.startswith(login_pages) else OK
    if 200 <= status < 300:
        return OK
    if status in (400, 409, 410, 415, 422):
        return INVALID
    if status in (401, 403):
        return DENIED
    if status == 404:
        return HIDDEN
    if status == 405:
        return NO_METHOD
    raise AssertionError(f"unexpected status {status}")


def request(client: Client, method: str, url: str, *, api: bool, body: dict | None = None):
    body = body or {}
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    if method == "put":
        return client.put(url, data="", content_type="application/x-www-form-urlencoded")
    return client.post(url, data=body)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs in
    a savepoint of it (pytest-django's `db`), so a POST's writes never reach the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


# --- how each route's parameters are filled ----------------------------------------------------

W = World
_cohort: Callable[[W], dict] = lambda w: {"cohort_id": w.cohort.id}  # noqa: E731
_cohort_learner: Callable[[W], dict] = lambda w: {  # noqa: E731
    "cohort_id": w.cohort.id,
    "user_id": w.users["learner"].pk,  # type: ignore[union-attr]
}
_quiz: Callable[[W], dict] = lambda w: {"quiz_id": w.quiz.id}  # noqa: E731
_slug: Callable[[W], dict] = lambda w: {"slug": w.course.slug}  # noqa: E731
_lesson: Callable[[W], dict] = lambda w: {"lesson_id": w.lesson.id}  # noqa: E731
_open_attempt: Callable[[W], dict] = lambda w: {"attempt_id": w.open_attempt.id}  # noqa: E731
_graded_attempt: Callable[[W], dict] = lambda w: {"attempt_id": w.graded_attempt.id}  # noqa: E731
_open_answer: Callable[[W], dict] = lambda w: {  # noqa: E731
    "attempt_id": w.open_attempt.id,
    "question_id": w.open_question.id,
}
_essay: Callable[[W], dict] = lambda w: {  # noqa: E731
    "attempt_id": w.graded_attempt.id,
    "question_id": w.essay_question.id,
}
_certificate: Callable[[W], dict] = lambda w: {"certificate_id": w.certificate.id}  # noqa: E731
_export: Callable[[W], dict] = lambda w: {  # noqa: E731
    "cohort_id": w.cohort.id,
    "export_id": w.export.id,
}
_none: Callable[[W], dict] = lambda w: {}  # noqa: E731

ROUTE_KWARGS: dict[str, Callable[[W], dict]] = {
    # pages
    "dashboard": _none,
    "course": _slug,
    "course-enrol": _slug,
    "course-about": _slug,
    "lesson": _lesson,
    "lesson-complete": _lesson,
    "cohorts": _none,
    "cohort-create": _none,
    "cohort": _cohort,
    "cohort-learners": _cohort,
    "cohort-roster-preview": _cohort,
    "cohort-roster-import": _cohort,
    "cohort-learner": _cohort_learner,
    "cohort-learner-reminder": _cohort_learner,
    "cohort-learner-extension": _cohort_learner,
    "cohort-due-dates": _cohort,
    "cohort-exports": _cohort,
    "cohort-export": _export,
    "cohort-export-download": lambda w: {"token": w.export_token},
    "invitation-accept": lambda w: {"uidb64": w.invitation_uid, "token": w.invitation_token},
    "quiz": _quiz,
    "attempt-start": _quiz,
    "attempt": _open_attempt,
    "attempt-autosave": _open_answer,
    "attempt-result": _graded_attempt,
    "attempt-status": _graded_attempt,
    "teach": _none,
    "teach-quiz-new": _none,
    "teach-quiz": _quiz,
    "teach-question-new": lambda w: {"quiz_id": w.quiz.id, "question_type": "single_choice"},
    "teach-question": lambda w: {"quiz_id": w.quiz.id, "question_id": w.essay_question.id},
    "teach-slot": lambda w: {"quiz_id": w.quiz.id, "slot_id": w.slot.id},
    "teach-preview": _quiz,
    "teach-overrides": _quiz,
    "teach-override-delete": lambda w: {"quiz_id": w.quiz.id, "override_id": w.override.id},
    "teach-grading": _none,
    "teach-essay-grade": _essay,
    "my-certificates": _none,
    "credit-claim": _slug,
    "certificate-pdf": _certificate,
    "certificate-name-change": _certificate,
    "verify-form": _none,
    "verify": lambda w: {"code": w.certificate.code},
    "cohort-certificate-list": _none,
    "cohort-certificates": _cohort,
    "cohort-certificate-batch": _cohort,
    "cohort-certificates-zip": _cohort,
    "certificate-batch-progress": lambda w: {"batch_id": w.batch.id},
    "login": _none,
    "logout": _none,
    "admin:index": _none,
    "admin:login": _none,
    "schema": _none,
    "api-docs": _none,
    "healthz": _none,
    "readyz": _none,
    # the API
    "api:token": _none,
    "api:courses": _none,
    "api:course": _slug,
    "api:enroll": _slug,
    "api:lesson-complete": _lesson,
    "api:quiz": _quiz,
    "api:attempts": _quiz,
    "api:attempt": _open_attempt,
    "api:attempt-response": _open_answer,
    "api:attempt-submit": _open_attempt,
    "api:attempt-question-grade": _essay,
    "api:cohorts": _none,
    "api:cohort-progress": _cohort,
    "api:cohort-learners": _cohort,
    "api:cohort-roster-import": _cohort,
    "api:cohort-learner-attempts": _cohort_learner,
    "api:cohort-due-dates": _cohort,
    "api:cohort-exports": _cohort,
    "api:cohort-export": _export,
    "api:cohort-export-download": lambda w: {"token": w.export_token},
    "api:my-progress": _none,
    "api:my-certificates": _none,
    "api:certificate-pdf": _certificate,
    "api:certificate-verify": lambda w: {"code": w.certificate.code},
    "api:certificate-name-change": _certificate,
    "api:credit-claims": _none,
    "api:cohort-certificate-batches": _cohort,
    "api:cohort-certificates-zip": _cohort,
    "api:certificate-batch": lambda w: {"batch_id": w.batch.id},
}
ROUTE_KWARGS.update(
    {
        "password_reset": _none,
        "password_reset_done": _none,
        "password_reset_confirm": lambda w: {
            "uidb64": w.invitation_uid,
            "token": w.invitation_token,
        },
        "password_reset_complete": _none,
        "profile": _none,
        "sign-up": _none,
        "calendar-address": _none,
        # the learner's secret address, issued for the call: the secret is the only key
        "calendar-feed": lambda w: {"token": calendar_token_issue(user=w.users["learner"])},  # type: ignore[arg-type]
        "cohort-invitation": lambda w: {"token": w.invitation_link},
        "cohort-invitation-respond": lambda w: {"invitation_id": w.invitation.id},
        "api:cohort-invitations": _cohort,
        "api:my-invitations": _none,
        "api:my-invitation-accept": lambda w: {"invitation_id": w.invitation.id},
        "api:my-invitation-decline": lambda w: {"invitation_id": w.invitation.id},
        # regrading and the grade history
        "teach-regrade": _quiz,
        "teach-regrade-job": lambda w: {"job_id": w.regrade_job.id},
        "teach-regrade-job-status": lambda w: {"job_id": w.regrade_job.id},
        "teach-attempt-grades": _graded_attempt,
        "api:quiz-regrade": _quiz,
        "api:regrade-job": lambda w: {"job_id": w.regrade_job.id},
        "api:attempt-grade-history": _graded_attempt,
    }
)
# The question bank (quizzes/teach_bank.py, quizzes/apis_bank.py)
_bank_category: Callable[[W], dict] = lambda w: {  # noqa: E731
    "slug": w.course.slug,
    "category_id": w.essay_question.category_id,
}
ROUTE_KWARGS.update(
    {
        "teach-bank": _slug,
        "teach-bank-category-new": _slug,
        "teach-bank-category": _bank_category,
        "teach-bank-questions": _slug,
        "teach-bank-question-new": lambda w: {"slug": w.course.slug, "question_type": "essay"},
        "teach-bank-question": lambda w: {
            "slug": w.course.slug,
            "question_id": w.essay_question.id,
        },
        "teach-quiz-bank": _quiz,
        "teach-quiz-random": _quiz,
        "api:bank-questions": _slug,
        "api:bank-questions-move": _slug,
        "api:bank-questions-copy": _slug,
        "api:bank-questions-tag": _slug,
        "api:bank-question": lambda w: {"slug": w.course.slug, "question_id": w.essay_question.id},
        "api:bank-categories": _slug,
        "api:bank-category": _bank_category,
        "api:quiz-bank-slots": _quiz,
        "api:quiz-random-slot": _quiz,
    }
)

# A quiz's results and item analysis (quizzes/teach_results.py, quizzes/apis_results.py).
ROUTE_KWARGS.update(
    {
        "teach-quiz-results": _quiz,
        "teach-quiz-results-csv": _quiz,
        "teach-quiz-analysis": _quiz,
        "api:quiz-results": _quiz,
        "api:quiz-item-analysis": _quiz,
    }
)


# Course authoring (courses/teach_views.py, courses/apis_authoring.py).
_module: Callable[[W], dict] = lambda w: {"module_id": w.lesson.module_id}  # noqa: E731
ROUTE_KWARGS.update(
    {
        "teach-course-new": _none,
        "teach-course": _slug,
        "teach-module-new": _slug,
        "teach-module": _module,
        "teach-module-move": _module,
        "teach-module-remove": _module,
        "teach-lesson-new": _module,
        "teach-lesson-preview": _module,
        "teach-lesson": _lesson,
        "teach-lesson-move": _lesson,
        "teach-lesson-remove": _lesson,
        "teach-attachment-remove": lambda w: {"attachment_id": w.attachment.id},
        "lesson-image": lambda w: {"image_id": w.image.id},
        "lesson-file": lambda w: {"attachment_id": w.attachment.id},
        "api:teach-courses": _none,
        "api:teach-course": _slug,
        "api:teach-modules": _slug,
        "api:teach-module-order": _slug,
        "api:teach-images": _slug,
        "api:teach-module": _module,
        "api:teach-lessons": _module,
        "api:teach-lesson-order": _module,
        "api:teach-quizzes": _module,
        "api:teach-lesson": _lesson,
        "api:teach-lesson-attachments": _lesson,
        "api:teach-quiz": _quiz,
    }
)


# Where an empty body is refused before anyone's rights are asked, a minimal valid body (POST
# and PUT), so the cell says who may do it.
BODIES: dict[str, dict[str, str]] = {
    "api:attempt-question-grade": {"score": "1"},
    "api:certificate-name-change": {"name": "Matrix Renamed"},
    "cohort-invitation-respond": {"answer": "decline"},
    "cohort-invitation": {"answer": "decline"},
}


# --- what each persona gets --------------------------------------------------------------------

# Anonymous callers are refused the way each side refuses: pages send them to log in, the API
# answers 401/403. ANON_REFUSED is resolved per route.
ANON_REFUSED = "anonymous refused"
Cells = dict[str, str]


def cells(default: str, **persona: str) -> Cells:
    unknown = set(persona) - set(PERSONAS)
    assert not unknown, unknown
    return {p: persona.get(p, default) for p in PERSONAS}


def public(ok: str = OK) -> Cells:
    """Anyone, signed in or not."""
    return cells(ok)


def signed_in(ok: str = OK) -> Cells:
    """Anyone signed in; what they get is their own (lists of their own rows, their page)."""
    return cells(ok, anonymous=ANON_REFUSED)


def the_learner(ok: str = OK, others: str = HIDDEN, **extra: str) -> Cells:
    """The learner's own row (attempt, certificate): everyone else is told it does not exist."""
    return cells(others, anonymous=ANON_REFUSED, learner=ok, **extra)


def attempt_viewers(ok: str = OK) -> Cells:
    """The attempt's learner, the course's instructor and staff; others: not found."""
    return the_learner(ok, instructor=ok, staff=ok)


def invitee(ok: str = OK) -> Cells:
    """An invitation to the cohort (for the other learner): only its invitee may answer it."""
    return cells(HIDDEN, anonymous=ANON_REFUSED, other_learner=ok)


def enrolled(ok: str = OK) -> Cells:
    """Learning in the course (start a quiz, complete a lesson): only the enrolled learner;
    the others are refused (403 not_enrolled), the course itself being public."""
    return cells(DENIED, anonymous=ANON_REFUSED, learner=ok)


def teachers(ok: str = OK) -> Cells:
    """The course's instructors and staff; anyone else signed in: 403."""
    return cells(DENIED, anonymous=ANON_REFUSED, instructor=ok, staff=ok)


def cohort_viewers(ok: str = OK) -> Cells:
    """The cohort's directors, its course's instructors, staff; others: not found."""
    return cells(HIDDEN, anonymous=ANON_REFUSED, director=ok, instructor=ok, staff=ok)


def cohort_directors(ok: str = OK) -> Cells:
    """The cohort's directors and staff; its course's instructors may only look (403)."""
    return cells(HIDDEN, anonymous=ANON_REFUSED, director=ok, staff=ok, instructor=DENIED)


def cohort_certificates(ok: str = OK) -> Cells:
    """A cohort's certificates: its directors and staff; anyone else: not found."""
    return cells(HIDDEN, anonymous=ANON_REFUSED, director=ok, staff=ok)


def cohort_creators(ok: str = OK) -> Cells:
    """Program directors (the group's permission) and staff."""
    return cells(DENIED, anonymous=ANON_REFUSED, director=ok, other_director=ok, staff=ok)


@dataclass(frozen=True)
class Expect:
    get: Cells | None = None
    post: Cells | None = None
    put: Cells | None = None
    methods: dict[str, Cells] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for method in ("get", "post", "put"):
            if getattr(self, method) is not None:
                self.methods[method] = getattr(self, method)


EXPECTED: dict[str, Expect] = {
    # pages: learners
    "dashboard": Expect(get=signed_in()),
    "course": Expect(get=signed_in()),
    "course-enrol": Expect(post=signed_in()),  # a published course: anyone may enrol
    "course-about": Expect(get=cells(HIDDEN, anonymous=ANON_REFUSED)),  # the world's has none
    "lesson": Expect(get=signed_in()),
    "lesson-complete": Expect(post=enrolled()),
    "quiz": Expect(get=signed_in()),
    "attempt-start": Expect(post=enrolled()),
    # the instructor and staff may look at the attempt; anyone but its learner is sent to the
    # result page, and a submit from them never reaches the service
    "attempt": Expect(get=attempt_viewers(), post=attempt_viewers()),
    "attempt-autosave": Expect(post=the_learner()),
    "attempt-result": Expect(get=attempt_viewers()),
    "attempt-status": Expect(get=attempt_viewers()),
    "my-certificates": Expect(get=signed_in()),
    # the learner has not completed this course: nothing to claim, for anyone
    "credit-claim": Expect(get=cells(HIDDEN, anonymous=ANON_REFUSED)),
    "certificate-pdf": Expect(get=the_learner(staff=OK)),
    "certificate-name-change": Expect(get=the_learner(), post=the_learner(INVALID)),
    "verify-form": Expect(get=public()),
    "verify": Expect(get=public()),
    "invitation-accept": Expect(get=public()),
    # pages: instructors (lists are each one's own)
    "teach": Expect(get=signed_in()),
    "teach-grading": Expect(get=signed_in()),
    # an empty form names no module: not found before anyone's rights are asked
    "teach-quiz-new": Expect(post=cells(HIDDEN, anonymous=ANON_REFUSED)),
    "teach-quiz": Expect(get=teachers(), post=teachers()),
    "teach-question-new": Expect(get=teachers(), post=teachers()),
    "teach-question": Expect(get=teachers(), post=teachers()),
    "teach-slot": Expect(post=teachers(INVALID)),
    "teach-preview": Expect(get=teachers(), post=teachers()),
    "teach-overrides": Expect(get=teachers(), post=teachers()),
    "teach-override-delete": Expect(post=teachers()),
    "teach-essay-grade": Expect(
        get=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK),
        post=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK),
    ),
    # pages: directors (the cohort list is each one's own)
    "cohorts": Expect(get=signed_in()),
    "cohort-create": Expect(get=cohort_creators(), post=cohort_creators()),
    "cohort": Expect(get=cohort_viewers()),
    "cohort-learner": Expect(get=cohort_viewers()),
    "cohort-learners": Expect(get=cohort_directors(), post=cohort_directors()),
    "cohort-roster-preview": Expect(post=cohort_directors(INVALID)),
    "cohort-roster-import": Expect(post=cohort_directors(INVALID)),
    "cohort-learner-reminder": Expect(post=cohort_directors()),
    "cohort-learner-extension": Expect(post=cohort_directors(INVALID)),
    "cohort-due-dates": Expect(get=cohort_directors(), post=cohort_directors()),
    "cohort-exports": Expect(post=cohort_viewers(INVALID)),
    "cohort-export": Expect(get=cohort_viewers()),
    "cohort-export-download": Expect(get=cohort_viewers()),
    "cohort-certificate-list": Expect(get=signed_in()),
    "cohort-certificates": Expect(get=cohort_certificates(), post=cohort_certificates()),
    "cohort-certificate-batch": Expect(post=cohort_certificates(INVALID)),
    "cohort-certificates-zip": Expect(get=cohort_certificates()),
    "certificate-batch-progress": Expect(get=cohort_certificates()),
    # accounts and the site
    "login": Expect(get=public(), post=public()),
    "logout": Expect(post=public(LOGIN)),  # signed out, and sent to the log-in page
    # the admin sends everyone but staff to its own log-in
    "admin:index": Expect(get=cells(LOGIN, staff=OK)),
    "admin:login": Expect(get=public()),
    "schema": Expect(get=public()),
    "api-docs": Expect(get=public()),
    "healthz": Expect(get=public()),
    "readyz": Expect(get=public()),  # a load balancer asks; it names no reasons
    "password_reset": Expect(get=public(), post=public()),
    "password_reset_done": Expect(get=public()),
    "password_reset_confirm": Expect(get=public()),
    "password_reset_complete": Expect(get=public()),
    "profile": Expect(get=signed_in()),
    "sign-up": Expect(get=public(HIDDEN)),  # self-registration is off unless settings turn it on
    "calendar-address": Expect(post=signed_in()),  # a new secret for one's own calendar
    "calendar-feed": Expect(get=public()),  # whoever holds the address: a calendar app
    # the e-mail's signed link is the secret: anyone holding it sees the invitation
    "cohort-invitation": Expect(get=public(), post=public()),
    # only the invitee answers; to anyone else it does not exist
    "cohort-invitation-respond": Expect(post=invitee()),
    # the API
    "api:token": Expect(post=public(INVALID)),
    "api:courses": Expect(get=public()),
    "api:course": Expect(get=public()),
    "api:enroll": Expect(post=signed_in()),
    "api:lesson-complete": Expect(post=enrolled()),
    "api:quiz": Expect(get=signed_in()),  # instructors get the answer keys (test_quiz_detail)
    "api:attempts": Expect(post=enrolled()),
    "api:attempt": Expect(get=attempt_viewers()),
    "api:attempt-response": Expect(put=the_learner(INVALID)),
    "api:attempt-submit": Expect(post=the_learner()),
    "api:attempt-question-grade": Expect(
        post=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK)
    ),
    "api:cohorts": Expect(get=signed_in(), post=cohort_creators(INVALID)),
    "api:cohort-progress": Expect(get=cohort_viewers()),
    "api:cohort-learners": Expect(post=cohort_directors(INVALID)),
    "api:cohort-roster-import": Expect(post=cohort_directors(INVALID)),
    "api:cohort-learner-attempts": Expect(get=cohort_viewers()),
    "api:cohort-due-dates": Expect(put=cohort_directors(INVALID)),
    "api:cohort-exports": Expect(post=cohort_viewers(INVALID)),
    "api:cohort-export": Expect(get=cohort_viewers()),
    "api:cohort-export-download": Expect(get=cohort_viewers()),
    "api:cohort-invitations": Expect(get=cohort_directors()),
    "api:my-progress": Expect(get=signed_in()),
    "api:my-certificates": Expect(get=signed_in()),
    "api:certificate-pdf": Expect(get=the_learner(staff=OK)),
    "api:certificate-verify": Expect(get=public()),
    "api:certificate-name-change": Expect(post=the_learner()),
    "api:credit-claims": Expect(get=signed_in(), post=signed_in(INVALID)),
    "api:cohort-certificate-batches": Expect(post=cohort_certificates(INVALID)),
    "api:cohort-certificates-zip": Expect(get=cohort_certificates()),
    "api:certificate-batch": Expect(get=cohort_certificates()),
    "api:my-invitations": Expect(get=signed_in()),
    "api:my-invitation-accept": Expect(post=invitee()),
    "api:my-invitation-decline": Expect(post=invitee()),
    # regrading and the grade history: the course's instructors and staff; a job or an
    # attempt's grades do not exist for anyone else. An empty regrade body is a dry run; an
    # override needs a score and a reason.
    "teach-regrade": Expect(get=teachers(), post=teachers()),
    "teach-regrade-job": Expect(get=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK)),
    "teach-regrade-job-status": Expect(
        get=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK)
    ),
    "teach-attempt-grades": Expect(
        get=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK),
        post=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK),
    ),
    "api:quiz-regrade": Expect(post=teachers()),
    "api:regrade-job": Expect(get=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK)),
    "api:attempt-grade-history": Expect(
        get=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=OK, staff=OK),
        post=cells(HIDDEN, anonymous=ANON_REFUSED, instructor=INVALID, staff=INVALID),
    ),
}
# The question bank: the course's instructors and staff. An empty form is refused (shown as a
# message on the page it redirects to, hence OK) once the caller's rights were checked.
EXPECTED.update(
    {
        "teach-bank": Expect(get=teachers()),
        "teach-bank-category-new": Expect(post=teachers()),
        "teach-bank-category": Expect(post=teachers()),
        "teach-bank-questions": Expect(post=teachers()),
        "teach-bank-question-new": Expect(get=teachers(), post=teachers()),
        "teach-bank-question": Expect(get=teachers(), post=teachers()),
        "teach-quiz-bank": Expect(get=teachers(), post=teachers()),
        "teach-quiz-random": Expect(get=teachers(), post=teachers()),
        # the API asks the caller's rights before it reads the body
        "api:bank-questions": Expect(get=teachers(), post=teachers(INVALID)),
        "api:bank-questions-move": Expect(post=teachers(INVALID)),
        "api:bank-questions-copy": Expect(post=teachers(INVALID)),
        "api:bank-questions-tag": Expect(post=teachers(INVALID)),
        "api:bank-question": Expect(get=teachers(), put=teachers(INVALID)),
        "api:bank-categories": Expect(get=teachers(), post=teachers(INVALID)),
        "api:bank-category": Expect(get=teachers()),
        "api:quiz-bank-slots": Expect(post=teachers(INVALID)),
        "api:quiz-random-slot": Expect(post=teachers(INVALID)),
    }
)

# The question bank's import and export (quizzes/teach_import.py, quizzes/apis_import.py).
ROUTE_KWARGS.update(
    {
        "teach-bank-import": _slug,
        "teach-bank-import-confirm": _slug,
        "teach-bank-export": _slug,
        "api:bank-import": _slug,
    }
)

# --- publishing, course staff and new runs (courses/teach_publish.py, teach_staff.py,
# apis_teach.py): the course's instructors and staff change them; teaching assistants are
# in tests/courses/test_course_staff_roles.py, persona by persona.
_key_slug: Callable[[W], dict] = lambda w: {"key": w.course.slug}  # noqa: E731
ROUTE_KWARGS.update(
    {
        "teach-publish": lambda w: {"kind": "quiz", "item_id": w.quiz.id},
        "teach-course-staff": _slug,
        "teach-course-copy": _slug,
        "api:course-publish": _key_slug,
        "api:course-unpublish": _key_slug,
        "api:module-publish": lambda w: {"key": w.quiz.module_id},
        "api:module-unpublish": lambda w: {"key": w.quiz.module_id},
        "api:lesson-publish": lambda w: {"key": w.lesson.id},
        "api:lesson-unpublish": lambda w: {"key": w.lesson.id},
        "api:quiz-publish": lambda w: {"key": w.quiz.id},
        "api:quiz-unpublish": lambda w: {"key": w.quiz.id},
        "api:course-staff": _slug,
        "api:course-copy": _slug,
    }
)
EXPECTED.update(
    {
        # an empty upload is refused (400) once the caller may import at all
        "teach-bank-import": Expect(get=teachers(), post=teachers(INVALID)),
        # no previewed file sent back: the instructor is sent to upload it again
        "teach-bank-import-confirm": Expect(post=teachers()),
        "teach-bank-export": Expect(get=teachers()),
        "api:bank-import": Expect(post=teachers(INVALID)),
    }
)

# A quiz's results and item analysis: the course's instructors and staff.
EXPECTED.update(
    {
        "teach-quiz-results": Expect(get=teachers()),
        "teach-quiz-results-csv": Expect(get=teachers()),
        "teach-quiz-analysis": Expect(get=teachers()),
        "api:quiz-results": Expect(get=teachers()),
        "api:quiz-item-analysis": Expect(get=teachers()),
    }
)

# Publishing, course staff and new runs.
EXPECTED.update(
    {
        # an empty form names no action (publish or unpublish): refused once rights are known
        "teach-publish": Expect(get=teachers(), post=teachers(INVALID)),
        # an empty form is shown again with its errors
        "teach-course-staff": Expect(get=teachers(), post=teachers()),
        "teach-course-copy": Expect(get=teachers(), post=teachers()),
        "api:course-publish": Expect(post=teachers()),
        # the learner is in the middle of an attempt in the course: 409
        "api:course-unpublish": Expect(post=teachers(INVALID)),
        "api:module-publish": Expect(post=teachers()),
        "api:module-unpublish": Expect(post=teachers()),
        "api:lesson-publish": Expect(post=teachers()),
        "api:lesson-unpublish": Expect(post=teachers()),
        "api:quiz-publish": Expect(post=teachers()),
        "api:quiz-unpublish": Expect(post=teachers()),
        "api:course-staff": Expect(get=teachers(), post=teachers(INVALID)),
        "api:course-copy": Expect(post=teachers(INVALID)),
    }
)


# Course authoring. Creating a course: staff and the Instructors group (no persona here is in
# it; tests/courses/test_authoring.py has its member). The first module has a learner's
# attempt, so it is not removed (409); its lesson is unread. An empty form is not a bound one:
# the page is shown again (as for the quiz builder).
EXPECTED.update(
    {
        "teach-course-new": Expect(
            get=cells(DENIED, anonymous=ANON_REFUSED, staff=OK),
            post=cells(DENIED, anonymous=ANON_REFUSED, staff=OK),
        ),
        "teach-course": Expect(get=teachers(), post=teachers()),
        "teach-module-new": Expect(get=teachers(), post=teachers()),
        "teach-module": Expect(get=teachers(), post=teachers()),
        "teach-module-move": Expect(post=teachers(INVALID)),
        "teach-module-remove": Expect(get=teachers(INVALID), post=teachers(INVALID)),
        "teach-lesson-new": Expect(get=teachers(), post=teachers()),
        "teach-lesson-preview": Expect(post=teachers()),
        "teach-lesson": Expect(get=teachers(), post=teachers()),
        "teach-lesson-move": Expect(post=teachers(INVALID)),
        "teach-lesson-remove": Expect(get=teachers(), post=teachers()),
        "teach-attachment-remove": Expect(post=teachers()),
        "lesson-image": Expect(get=signed_in()),  # a published course's lessons
        "lesson-file": Expect(get=signed_in()),
        "api:teach-courses": Expect(
            get=signed_in(), post=cells(DENIED, anonymous=ANON_REFUSED, staff=INVALID)
        ),
        "api:teach-course": Expect(get=teachers()),
        "api:teach-modules": Expect(post=teachers(INVALID)),
        "api:teach-module-order": Expect(put=teachers(INVALID)),
        "api:teach-images": Expect(post=teachers(INVALID)),
        "api:teach-module": Expect(get=teachers()),
        "api:teach-lessons": Expect(post=teachers(INVALID)),
        "api:teach-lesson-order": Expect(put=teachers(INVALID)),
        "api:teach-quizzes": Expect(post=teachers(INVALID)),
        "api:teach-lesson": Expect(get=teachers()),
        "api:teach-lesson-attachments": Expect(post=teachers(INVALID)),
        "api:teach-quiz": Expect(get=teachers()),
    }
)

# Cells that are holes still open in files other engineers own: (route, method, persona) ->
# why. The cell's expectation stays the right answer; the test is a strict xfail until fixed.
KNOWN_HOLES: dict[tuple[str, str, str], str] = {}


def _cases() -> Iterator[Any]:
    for name, expect in sorted(EXPECTED.items()):
        for method, row in expect.methods.items():
            for persona in PERSONAS:
                wanted = row[persona]
                if wanted == ANON_REFUSED:
                    wanted = DENIED if name.startswith("api:") else LOGIN
                reason = KNOWN_HOLES.get((name, method, persona))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(
                    name, method, persona, wanted, id=f"{name}-{method}-{persona}", marks=marks
                )


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker) -> dict[str, str | None]:
    """A session key per persona, made once inside the module's transaction."""
    with django_db_blocker.unblock():
        keys: dict[str, str | None] = {}
        for persona in PERSONAS:
            cookie = client_for(world.users[persona]).cookies.get(settings.SESSION_COOKIE_NAME)
            keys[persona] = cookie.value if cookie else None
        return keys


def client_with(session_key: str | None) -> Client:
    """A fresh client on a persona's session: a log-out in one test cannot sign out the next."""
    client = Client()
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def test_every_route_has_an_entry():
    """A new route fails here until it has its row in ROUTE_KWARGS and in EXPECTED."""
    routes = urlconf_route_names()
    assert sorted(routes - set(EXPECTED)) == [], "routes without an expectation"
    assert sorted(set(EXPECTED) - routes) == [], "expectations for routes that are gone"
    assert sorted(routes - set(ROUTE_KWARGS)) == [], "routes without their parameters"


@pytest.mark.parametrize(("name", "method", "persona", "wanted"), list(_cases()))
def test_authorization_matrix(world, sessions, db, name, method, persona, wanted):
    url = reverse(name, kwargs=ROUTE_KWARGS[name](world))
    body = BODIES.get(name) if method != "get" else None
    response = request(
        client_with(sessions[persona]), method, url, api=name.startswith("api:"), body=body
    )
    assert outcome(response) == wanted, (response.status_code, response.content[:300])


# Course packages (courses/teach_packages.py): the upload page for staff and anyone who
# instructs a course (an empty upload is refused, 400); a course's package for its instructors.
ROUTE_KWARGS.update({"teach-course-import": _none, "teach-course-package": _slug})
EXPECTED.update(
    {
        "teach-course-import": Expect(get=teachers(), post=teachers(INVALID)),
        "teach-course-package": Expect(get=teachers()),
    }
)
ROUTE_KWARGS.update({"api:course-packages": _none})
EXPECTED.update({"api:course-packages": Expect(post=teachers(INVALID))})
