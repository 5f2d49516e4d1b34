"""The demo data: the flagship course, an account per role, a graduate with a certificate."""

from io import BytesIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from pypdf import PdfReader

from certificates.models import Certificate
from courses.demo import FLAGSHIP_PACKAGE
from courses.models import Course, Enrolment, Module
from quizzes.models import Question

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "courses", "quizzes", "certificates")


def snapshot() -> dict:
    """Every row of every project model, as plain values."""
    rows = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.name != "updated_at"]
            rows[model._meta.label] = sorted(
                model._default_manager.values_list(*fields), key=lambda r: r[0]
            )
    return rows


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_PASSWORD = "a demo password"
    call_command("load_demo")
    return Course.objects.get(slug=FLAGSHIP_PACKAGE.name)


def test_the_flagship_course_comes_from_its_package_with_every_module_and_quiz(demo):
    assert demo.title == "Leadership in Medicine: The Post-USMLE Journey"
    assert demo.is_published
    slugs = list(demo.modules.order_by("position").values_list("slug", flat=True))
    assert len(slugs) == 9
    for required in ("effective-communication", "team-collaboration", "ethics"):
        assert required in slugs
    for module in Module.objects.filter(course=demo):
        assert module.lessons.count() >= 2
        for lesson in module.lessons.all():
            assert len(lesson.body.split()) > 300, lesson.title  # real lessons, not stubs
        quiz = module.quizzes.get()
        assert quiz.pass_mark_percent == 70
        assert Question.objects.filter(slots__quiz=quiz).count() >= 8
    types = set(Question.objects.filter(category__course=demo).values_list("type", flat=True))
    assert len(types) >= 5


def test_every_role_can_log_in_with_the_demo_password(demo):
    for username in ("learner", "graduate", "instructor", "director", "admin"):
        assert authenticate(username=username, password="a demo password") is not None
    assert demo.instructors.filter(username="instructor").exists()
    assert demo.cohorts.get().directors.filter(username="director").exists()
    admin = authenticate(username="admin", password="a demo password")
    assert admin is not None and admin.is_superuser


def test_the_graduate_holds_a_ready_certificate(demo):
    enrolment = Enrolment.objects.get(user__username="graduate", course=demo)
    assert enrolment.status == Enrolment.Status.COMPLETED
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.READY
    text = PdfReader(BytesIO(certificate.pdf.read())).pages[0].extract_text()
    assert "Zoë Ångström-Nuñez" in text
    assert demo.title in text


def test_loading_again_changes_nothing(demo, settings):
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before


def test_without_demo_password_the_default_is_printed(settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_PASSWORD = ""
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Password: leadership-demo" in out
    assert "http://127.0.0.1:8000/" in out
    assert authenticate(username="learner", password="leadership-demo") is not None
