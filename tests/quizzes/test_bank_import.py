"""Importing question files into a course's bank: previewed, then all or nothing; the command
for scripts; the size limit; a bank exported as GIFT reads in again as the same questions."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lms.errors import ApplicationError, PermissionDenied
from quizzes.models import Question, QuestionCategory
from quizzes.scoring import AnswerKey, grade_numerical
from quizzes.services import bank_import
from quizzes.services.bank_import import IMPORT_MAX_BYTES, bank_import_confirm, bank_import_preview

FILES = Path(__file__).parent / "formats" / "files"
GIFT = (FILES / "leadership.gift").read_bytes()
BAD_GIFT = (
    b"::Fine::Which handoff tool has five parts?{=I-PASS ~SOAP}\n"
    b"\n"
    b"::No right answer::Which tool?{~SBAR ~SOAP}\n"
    b"\n"
    b"::Unclosed::Which tool?{=SBAR ~SOAP\n"
)


def bank(course) -> list[Question]:
    return list(Question.objects.filter(category__course=course).order_by("id"))


def test_preview_lists_what_will_be_created_and_writes_nothing(course, instructor, unchanged):
    before = len(bank(course))
    plan = unchanged(
        lambda: bank_import_preview(actor=instructor, course=course, data=GIFT, filename="a.gift")
    )
    assert plan.is_valid, plan.problems
    assert plan.file_format == "gift"
    assert len(plan.questions) == 12
    assert [q.line for q in plan.questions][:3] == [7, 17, 25]
    assert plan.new_categories == [
        ("Communication",),
        ("Communication", "Handoffs"),
        ("Healthcare management",),
    ]
    assert len(bank(course)) == before


def test_confirm_creates_every_question_and_its_categories(course, instructor):
    result = bank_import_confirm(actor=instructor, course=course, data=GIFT, file_format="gift")
    assert len(result.questions) == 12
    assert sorted(c.name for c in result.categories) == [
        "Communication",
        "Handoffs",
        "Healthcare management",
    ]
    handoffs = QuestionCategory.objects.get(course=course, name="Handoffs")
    assert handoffs.parent is not None and handoffs.parent.name == "Communication"
    by_name = {q.name: q for q in result.questions}
    ipass = by_name["I-PASS order"]
    assert ipass.category == handoffs
    assert ipass.type == Question.Type.SINGLE_CHOICE
    assert ipass.general_feedback.startswith("Structured handoffs")
    assert [(c.text, c.fraction) for c in ipass.choices.all()] == [
        ("I-PASS", 1),
        ("SOAP", 0),
        ("SPIKES", Decimal("-0.5")),
        ("CUS", 0),
    ]
    culture = by_name["Just culture"]
    assert [(c.text, c.fraction) for c in culture.choices.all()] == [("True", 0), ("False", 1)]
    ratio = by_name["Nurse ratio"]
    assert [(c.value_min, c.value_max) for c in ratio.choices.all()] == [(6, 6)]
    overtime = by_name["Overtime range"]
    assert [(c.value_min, c.value_max) for c in overtime.choices.all()] == [(10, 14)]
    frameworks = by_name["Frameworks"]
    assert [(c.text, c.match_text) for c in frameworks.choices.all()][-1] == (
        "",
        "Ranking candidates for a residency",
    )
    assert by_name["Reflection"].type == Question.Type.ESSAY
    assert by_name["Before the quiz"].type == Question.Type.DESCRIPTION
    # [plain] text is escaped so that it shows as written once rendered as Markdown
    assert "<p>A unit budgets 10 to 14 overtime hours" in overtime.text_html


def test_plain_text_shows_as_written(course, instructor):
    data = b"[plain]Is <b> & *SBAR* a 1:4 tool?\\nSay why.{####[plain]Use [brackets] #1}"
    question = bank_import_confirm(
        actor=instructor, course=course, data=data, file_format="gift"
    ).questions[0]
    assert question.text_html == "<p>Is &lt;b&gt; &amp; *SBAR* a 1:4 tool?<br>\nSay why.</p>"
    assert question.general_feedback_html == "<p>Use [brackets] #1</p>"


def test_any_other_answer_matches_every_number_and_earns_nothing(course, instructor):
    result = bank_import_confirm(actor=instructor, course=course, data=GIFT, file_format="gift")
    several = next(q for q in result.questions if q.name == "Several answers")
    keys = [
        AnswerKey(id=c.id, fraction=c.fraction, value_min=c.value_min, value_max=c.value_max)
        for c in several.choices.all()
    ]
    right = grade_numerical(answers=keys, value="24", points=Decimal(1))
    other = grade_numerical(answers=keys, value="-31337", points=Decimal(1))
    assert right.fraction == 1
    assert other.fraction == 0 and other.matched == (keys[2].id,)


def test_questions_without_a_category_go_where_the_instructor_chose(course, instructor):
    chosen = QuestionCategory.objects.create(course=course, name="Week 1")
    data = b"Which tool has five parts?{=I-PASS ~SOAP}"
    result = bank_import_confirm(
        actor=instructor, course=course, data=data, file_format="gift", category=chosen
    )
    assert result.questions[0].category == chosen and result.categories == []
    default = bank_import_confirm(actor=instructor, course=course, data=data, file_format="gift")
    assert str(default.questions[0].category) == "Imported"


def test_a_bad_file_writes_nothing_and_names_every_problem(course, instructor, unchanged):
    plan = bank_import_preview(actor=instructor, course=course, data=BAD_GIFT, file_format="gift")
    assert not plan.is_valid
    bad_block = "The answer block opened here is not closed with }."
    no_right_answer = "The right choices' fractions must add up to 1 (100%)."
    assert [(p.line, p.reason) for p in plan.problems] == [(3, no_right_answer), (5, bad_block)]
    # the questions that could be read are listed beside the problems
    assert [(q.line, q.name, q.problems) for q in plan.questions] == [
        (1, "Fine", []),
        (3, "No right answer", [no_right_answer]),
    ]
    error = unchanged(
        lambda: bank_import_confirm(
            actor=instructor, course=course, data=BAD_GIFT, file_format="gift"
        ),
        error=ApplicationError,
        code="import_invalid",
    )
    assert error.details["problems"] == [
        {"line": 3, "reason": no_right_answer},
        {"line": 5, "reason": bad_block},
    ]


def test_the_editors_own_rules_refuse_a_question(course, instructor, unchanged):
    data = BAD_GIFT.rsplit(b"\n\n", 1)[0]  # the two readable questions
    plan = bank_import_preview(actor=instructor, course=course, data=data, file_format="gift")
    assert [(p.line, p.reason) for p in plan.problems] == [
        (3, "The right choices' fractions must add up to 1 (100%).")
    ]
    assert [q.problems for q in plan.questions] == [[], plan.questions[1].problems]
    unchanged(
        lambda: bank_import_confirm(actor=instructor, course=course, data=data, file_format="gift"),
        error=ApplicationError,
        code="import_invalid",
    )


def test_model_bounds_are_the_editors(course, instructor):
    long_name = "N" * 201
    long_match = "M" * 501
    data = f"::{long_name}::Which?{{=a ~b}}\n\nMatch?{{=a -> {long_match} =b -> c}}".encode()
    plan = bank_import_preview(actor=instructor, course=course, data=data, file_format="gift")
    assert [(p.line, p.reason) for p in plan.problems] == [
        (1, "name: Ensure this value has at most 200 characters (it has 201)."),
        (3, "Answer 1, match text: Ensure this value has at most 500 characters (it has 501)."),
    ]


def test_fractions_and_points_are_kept_at_the_banks_precision(course, instructor):
    data = (
        b"Which are parts of SBAR?{~%33.33333%Situation ~%33.33333%Background "
        b"~%33.33334%Assessment ~%-100%Silence}"
    )
    result = bank_import_confirm(actor=instructor, course=course, data=data, file_format="gift")
    assert [c.fraction for c in result.questions[0].choices.all()] == [
        Decimal("0.33333"),
        Decimal("0.33333"),
        Decimal("0.33333"),
        Decimal("-1"),
    ]


def test_aiken_and_moodle_xml_import(course, instructor):
    aiken = bank_import_confirm(
        actor=instructor,
        course=course,
        data=(FILES / "leadership.aiken").read_bytes(),
        filename="leadership.aiken",
        file_format="aiken",
    )
    assert [q.type for q in aiken.questions] == ["single_choice", "single_choice"]
    xml = bank_import_confirm(
        actor=instructor,
        course=course,
        data=(FILES / "leadership.xml").read_bytes(),
        filename="export.xml",
    )
    assert len(xml.questions) == 8
    brief = xml.questions[0]
    assert brief.default_points == 2
    assert [t.name for t in brief.tags.all()] == ["TeamSTEPPS"]
    assert brief.category.name == "TeamSTEPPS" and str(brief.category.parent) == "Teamwork"
    assert xml.questions[3].type == "short_answer" and not xml.questions[3].case_sensitive


def test_the_format_comes_from_the_extension_or_must_be_chosen(course, instructor):
    plan = bank_import_preview(
        actor=instructor,
        course=course,
        data=(FILES / "leadership.xml").read_bytes(),
        filename="x.XML",
    )
    assert plan.file_format == "moodle_xml" and plan.is_valid
    with pytest.raises(ApplicationError) as raised:
        bank_import_preview(actor=instructor, course=course, data=b"x", filename="questions.doc")
    assert raised.value.code == "import_format_unknown"


def test_files_over_the_limit_are_refused(course, instructor, unchanged):
    data = b"x" * (IMPORT_MAX_BYTES + 1)
    error = unchanged(
        lambda: bank_import_confirm(actor=instructor, course=course, data=data, file_format="gift"),
        error=ApplicationError,
        code="import_too_large",
    )
    assert "larger than 1024 KB" in error.message
    with pytest.raises(ApplicationError):
        bank_import.import_size_check(IMPORT_MAX_BYTES + 1)
    bank_import.import_size_check(IMPORT_MAX_BYTES)


def test_only_the_courses_instructors_and_staff_import(course, learner, outsider, unchanged):
    for person in (learner, outsider):
        unchanged(
            lambda person=person: bank_import_preview(
                actor=person, course=course, data=GIFT, file_format="gift"
            ),
            error=PermissionDenied,
            code="not_instructor",
        )
    outsider.is_staff = True
    outsider.save()
    assert bank_import_preview(
        actor=outsider, course=course, data=GIFT, file_format="gift"
    ).is_valid


# --- the command ---------------------------------------------------------------------------------


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_gift", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_dry_run_json_prints_every_question_in_file_order(db, unchanged):
    out, _ = unchanged(lambda: run(str(FILES / "leadership.gift"), "--dry-run", "--json"))
    questions = json.loads(out)
    assert [q["title"] for q in questions][:3] == ["I-PASS order", "Closed loop", "Just culture"]
    assert all(
        set(q) == {"type", "title", "text", "format", "category", "general_feedback", "answers"}
        for q in questions
    )
    by_title = {q["title"]: q for q in questions}
    assert by_title["Just culture"]["answers"] == [
        {
            "text": "true",
            "fraction": 0,
            "feedback": "A just culture separates human error from at-risk and reckless behaviour.",
        },
        {
            "text": "false",
            "fraction": 1,
            "feedback": "Right: it consoles error, coaches at-risk behaviour and sanctions only "
            "recklessness.",
        },
    ]
    assert by_title["Overtime range"]["answers"] == [
        {"value": 12, "tolerance": 2, "fraction": 1, "feedback": ""}
    ]
    assert by_title["Frameworks"]["answers"][0] == {
        "prompt": "SBAR",
        "match": "Communicating a concern about a patient",
    }
    assert by_title["Missing word"]["text"].startswith(
        "The framework for disclosing bad news in six steps is _____ "
    )
    assert by_title["Reflection"]["answers"] == [] and by_title["Reflection"]["format"] == "html"
    assert by_title["I-PASS order"]["category"] == "Communication/Handoffs"
    assert by_title["Escapes"]["general_feedback"] == "Escaped characters are literal text."


def test_command_malformed_file_exits_non_zero_with_line_numbered_errors(db, tmp_path, unchanged):
    path = tmp_path / "bad.gift"
    path.write_bytes(BAD_GIFT)
    from io import StringIO

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_gift", str(path), "--dry-run", "--json", stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        f"{path}:5: The answer block opened here is not closed with }}."
    ]
    assert out.getvalue() == ""
    assert raised.value.returncode == 1 and "nothing was imported" in str(raised.value)


def test_command_imports_into_a_courses_bank(course, instructor):
    before = len(bank(course))
    out, _ = run(
        str(FILES / "leadership.gift"), "--course", course.slug, "--user", instructor.username
    )
    assert "12 questions imported" in out
    assert len(bank(course)) == before + 12
    with pytest.raises(CommandError):
        run(str(FILES / "leadership.gift"))  # neither --dry-run nor a course


def test_the_export_of_an_imported_bank_imports_as_the_same_questions(course, instructor):
    from quizzes.selectors.bank_export import bank_gift

    first = bank_import_confirm(actor=instructor, course=course, data=GIFT, file_format="gift")
    exported = bank_gift(course=course, questions=first.questions)
    again = bank_import_confirm(
        actor=instructor, course=course, data=exported.encode(), file_format="gift"
    )

    def shape(question):
        return (
            question.category_id,
            question.type,
            question.name,
            question.text,
            question.general_feedback,
            question.case_sensitive,
            question.default_points,
            [
                (c.position, c.text, c.match_text, c.value_min, c.value_max, c.fraction, c.feedback)
                for c in question.choices.all()
            ],
        )

    assert [shape(q) for q in again.questions] == [shape(q) for q in first.questions]
    assert again.categories == []


# --- the page --------------------------------------------------------------------------------


def page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_page_preview_then_confirm(course, instructor, unchanged):
    from django.urls import reverse

    client = page_client(instructor)
    url = reverse("teach-bank-import", kwargs={"slug": course.slug})
    assert client.get(url).status_code == 200
    before = len(bank(course))
    response = unchanged(
        lambda: client.post(url, {"file": upload("leadership.gift", GIFT), "file_format": ""})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing is saved yet. Confirming adds 12 questions (GIFT)" in page
    assert "Communication / Handoffs" in page and "Healthcare management" in page
    token = response.context["token"]
    confirm = reverse("teach-bank-import-confirm", kwargs={"slug": course.slug})
    done = client.post(confirm, {"file": token}, follow=True)
    assert "12 questions imported into the bank from leadership.gift, with 3 new categories." in (
        done.content.decode()
    )
    assert len(bank(course)) == before + 12


def test_page_preview_of_a_bad_file_lists_its_problems_and_offers_no_confirm(
    course, instructor, unchanged
):
    from django.urls import reverse

    client = page_client(instructor)
    url = reverse("teach-bank-import", kwargs={"slug": course.slug})
    response = unchanged(lambda: client.post(url, {"file": upload("bad.gift", BAD_GIFT)}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 problems to correct." in page
    assert "Line 3: The right choices&#x27; fractions must add up to 1 (100%)." in page
    assert "Line 5: The answer block opened here is not closed with }." in page
    assert "No right answer" in page  # the readable questions are listed with theirs
    assert "teach-bank-import-confirm" not in page and "/bank/import/confirm/" not in page


def test_page_refuses_a_file_over_the_limit(course, instructor, unchanged):
    from django.urls import reverse

    client = page_client(instructor)
    url = reverse("teach-bank-import", kwargs={"slug": course.slug})
    big = upload("big.gift", b"x" * (IMPORT_MAX_BYTES + 1))
    response = unchanged(lambda: client.post(url, {"file": big}))
    assert response.status_code == 400
    assert "The file is larger than 1024 KB" in response.content.decode()


def test_page_confirm_with_a_forged_or_other_courses_file_writes_nothing(
    course, instructor, unchanged
):
    from django.core import signing
    from django.urls import reverse

    from quizzes.teach_import import PREVIEW_SALT
    from tests.factories import build_course

    client = page_client(instructor)
    confirm = reverse("teach-bank-import-confirm", kwargs={"slug": course.slug})
    forged = signing.dumps({"course": course.pk, "text": "Q{=a ~b}"}, salt="other")
    other = build_course(modules=1, questions=1, slug="other-course")
    elsewhere = signing.dumps(
        {"course": other.pk, "format": "gift", "category": None, "name": "", "text": "Q{=a ~b}"},
        salt=PREVIEW_SALT,
        compress=True,
    )
    for token in ("", forged, elsewhere):
        response = unchanged(lambda token=token: client.post(confirm, {"file": token}))
        assert response.status_code == 302


def test_export_downloads_the_bank_or_one_category(course, instructor):
    from django.urls import reverse

    bank_import_confirm(actor=instructor, course=course, data=GIFT, file_format="gift")
    client = page_client(instructor)
    url = reverse("teach-bank-export", kwargs={"slug": course.slug})
    whole = client.get(url)
    assert whole["Content-Type"] == "text/plain; charset=utf-8"
    assert whole["Content-Disposition"] == f'attachment; filename="{course.slug}-questions.gift"'
    text = whole.content.decode()
    assert "$CATEGORY: $course$/top/Communication/Handoffs" in text
    assert "::I-PASS order::[markdown]At 07\\:00 a night-float resident" in text
    communication = QuestionCategory.objects.get(course=course, name="Communication")
    part = client.get(url, {"category": communication.pk}).content.decode()
    assert "::I-PASS order::" in part and "Nurse ratio" not in part
    assert client.get(url, {"category": "999999"}).status_code == 404


# --- the API ---------------------------------------------------------------------------------


def api_post(api, user, course, data: bytes, name="leadership.gift", **fields):
    from django.urls import reverse

    url = reverse("api:bank-import", kwargs={"slug": course.slug})
    return api(user).post(url, {"file": upload(name, data), **fields}, format="multipart")


def test_api_preview_then_confirm(course, instructor, api, unchanged):
    response = unchanged(lambda: api_post(api, instructor, course, GIFT))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["valid"] is True and body["file_format"] == "gift" and body["problems"] == []
    assert body["new_categories"] == [
        "Communication",
        "Communication/Handoffs",
        "Healthcare management",
    ]
    first = body["questions"][0]
    assert first["line"] == 7 and first["category"] == "Communication/Handoffs"
    assert first["title"] == "I-PASS order" and first["problems"] == []
    assert first["answers"][2] == {
        "text": "SPIKES",
        "fraction": -0.5,
        "feedback": "SPIKES orders a conversation that breaks bad news, not a handoff.",
    }
    created = api_post(api, instructor, course, GIFT, confirm="true")
    assert created.status_code == 201, created.json()
    result = created.json()
    assert len(result["questions"]) == 12
    assert result["questions"][0]["name"] == "I-PASS order"
    assert sorted(result["new_categories"]) == [
        "Communication",
        "Communication/Handoffs",
        "Healthcare management",
    ]


def test_api_bad_file_previews_its_problems_and_confirm_writes_nothing(
    course, instructor, api, unchanged
):
    preview = unchanged(lambda: api_post(api, instructor, course, BAD_GIFT))
    assert preview.status_code == 200
    assert preview.json()["valid"] is False
    assert preview.json()["problems"] == [
        {"line": 3, "reason": "The right choices' fractions must add up to 1 (100%)."},
        {"line": 5, "reason": "The answer block opened here is not closed with }."},
    ]
    assert [q["title"] for q in preview.json()["questions"]] == ["Fine", "No right answer"]
    refused = unchanged(lambda: api_post(api, instructor, course, BAD_GIFT, confirm="true"))
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "import_invalid"
    assert error["details"]["problems"] == preview.json()["problems"]


def test_api_refuses_files_over_the_limit_and_other_people(
    course, instructor, learner, api, unchanged
):
    big = b"x" * (IMPORT_MAX_BYTES + 1)
    too_large = unchanged(lambda: api_post(api, instructor, course, big, confirm="true"))
    assert too_large.status_code == 413
    assert too_large.json()["error"]["code"] == "import_too_large"
    denied = unchanged(lambda: api_post(api, learner, course, GIFT, confirm="true"))
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "not_instructor"


def test_api_moodle_xml_by_extension(course, instructor, api):
    response = api_post(
        api, instructor, course, (FILES / "leadership.xml").read_bytes(), name="bank.xml"
    )
    assert response.json()["file_format"] == "moodle_xml"
    assert [q["type"] for q in response.json()["questions"]][:3] == [
        "single_choice",
        "multiple_response",
        "true_false",
    ]


def test_category_and_tag_names_meet_the_banks_bounds(course, instructor):
    long = "C" * 201
    data = f"$CATEGORY: {long}\n\nWhich?{{=a ~b}}".encode()
    plan = bank_import_preview(actor=instructor, course=course, data=data, file_format="gift")
    assert [(p.line, p.reason) for p in plan.problems] == [
        (3, "A category's name is at most 200 characters.")
    ]
    tag = "T" * 61
    xml = (
        '<quiz><question type="essay"><questiontext><text>Reflect.</text></questiontext>'
        f"<tags><tag><text>{tag}</text></tag></tags></question></quiz>"
    ).encode()
    plan = bank_import_preview(actor=instructor, course=course, data=xml, file_format="moodle_xml")
    assert [p.reason for p in plan.problems] == ["A tag's name is at most 60 characters."]
