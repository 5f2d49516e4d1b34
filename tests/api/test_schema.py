"""The OpenAPI 3 document at /api/schema/ and the interactive docs at /api/docs/."""

import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# Every public route of the API, path parameters as the URL patterns name them.
SECTION_7 = [
    ("post", "/api/v1/auth/token/"),
    ("get", "/api/v1/courses/"),
    ("get", "/api/v1/courses/{slug}/"),
    ("post", "/api/v1/courses/{slug}/enroll/"),
    ("post", "/api/v1/lessons/{id}/complete/"),
    ("post", "/api/v1/quizzes/{id}/attempts/"),
    ("put", "/api/v1/attempts/{id}/responses/{question_id}/"),
    ("post", "/api/v1/attempts/{id}/submit/"),
    ("get", "/api/v1/attempts/{id}/"),
    ("get", "/api/v1/me/progress/"),
    ("get", "/api/v1/me/certificates/"),
    ("get", "/api/v1/certificates/{id}/pdf/"),
    ("get", "/api/v1/certificates/verify/{code}/"),
    ("get", "/api/v1/cohorts/{id}/progress/"),
]
PAGINATED_LISTS = ["/api/v1/courses/", "/api/v1/me/progress/", "/api/v1/me/certificates/"]


def template(path: str) -> str:
    """A path with its parameters' names blanked: `{attempt_id}` and `{id}` are the same slot."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.fixture(scope="module")
def schema() -> dict:
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    return yaml.safe_load(response.content)


def operation(schema: dict, method: str, path: str) -> dict:
    paths = {template(p): item for p, item in schema["paths"].items()}
    return paths[template(path)][method]


def response_schema(schema: dict, method: str, path: str, status: str) -> dict:
    content = operation(schema, method, path)["responses"][status]["content"]
    found = content["application/json"]["schema"]
    while "$ref" in found:
        name = found["$ref"].removeprefix("#/components/schemas/")
        found = schema["components"]["schemas"][name]
    return found


def test_the_schema_is_an_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Leadership in Medicine LMS API"


@pytest.mark.parametrize(("method", "path"), SECTION_7, ids=[f"{m} {p}" for m, p in SECTION_7])
def test_the_schema_lists_every_path_of_the_contract(schema, method, path):
    documented = {template(p): set(item) for p, item in schema["paths"].items()}
    assert template(path) in documented, f"{path} is missing from /api/schema/"
    assert method in documented[template(path)]


@pytest.mark.parametrize("path", PAGINATED_LISTS)
def test_the_schema_describes_lists_as_pages(schema, path):
    page = response_schema(schema, "get", path, "200")
    assert page.get("type") == "object", f"{path} is documented as {page}, not as a page"
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
    assert page["properties"]["results"]["type"] == "array"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/api/v1/quizzes/{id}/attempts/", "201"),
        ("get", "/api/v1/attempts/{id}/", "200"),
        ("post", "/api/v1/attempts/{id}/submit/", "202"),
    ],
)
def test_the_schema_describes_an_attempts_questions(schema, method, path, status):
    attempt = response_schema(schema, method, path, status)
    assert {"state", "percent", "passed", "review_available", "questions"} <= set(
        attempt["properties"]
    )


def test_the_schema_validates_against_the_openapi_specification(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(target))
    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    GENERATOR_STATS.reset()  # warnings from earlier generations in this process are not ours
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    written = yaml.safe_load(target.read_text())
    assert written["openapi"].startswith("3.")
    assert "/api/v1/attempts/{attempt_id}/submit/" in written["paths"]


def test_the_docs_page_is_served_without_a_cdn():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for host in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis", "http://", "https://"):
        assert host not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert f"{settings.STATIC_URL}drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in (
        assets
    )
    # The page's own start-up script is served from this address, not inline: the content
    # security policy allows no inline script.
    assert "/api/docs/?script=" in assets
    for asset in (a for a in assets if a != "/api/docs/?script="):
        assert asset.startswith(settings.STATIC_URL), asset
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), f"{asset} is not bundled"
    assert "<script>" not in html
    script = APIClient().get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert '"/api/schema/"' in script.content.decode()


# --- errors -----------------------------------------------------------------------------------


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield method, path, op


def test_every_error_response_is_documented_in_the_error_shape(schema):
    errors = [
        (method, path, status, response)
        for method, path, op in operations(schema)
        for status, response in op["responses"].items()
        if status.startswith(("4", "5"))
    ]
    assert errors
    for method, path, status, response in errors:
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOutput", (method, path, status)
        assert response["description"], (method, path, status)
    error = schema["components"]["schemas"]["ErrorBody"]
    assert set(error["required"]) == {"code", "message", "details"}


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("post", "/api/v1/auth/token/", {"200", "400", "413", "429"}),
        ("get", "/api/v1/courses/", {"200", "404"}),  # 404: no such page
        ("get", "/api/v1/courses/{slug}/", {"200", "404"}),
        ("get", "/api/v1/me/progress/", {"200", "403", "404"}),
        ("get", "/api/v1/certificates/verify/{code}/", {"200", "404", "429"}),
        ("put", "/api/v1/attempts/{id}/responses/{question_id}/", {"200", "400", "403", "404",
                                                                   "409", "413"}),
        ("post", "/api/v1/attempts/{id}/submit/", {"202", "400", "403", "404", "409", "413"}),
        ("post", "/api/v1/cohorts/{id}/certificate-batches/", {"202", "400", "403", "404", "409",
                                                              "413"}),
    ],
)  # fmt: skip
def test_each_operation_documents_the_statuses_it_answers_with(schema, method, path, statuses):
    assert set(operation(schema, method, path)["responses"]) == statuses


@pytest.mark.parametrize(
    ("make", "method", "path"),
    [
        (lambda c: c.post("/api/v1/auth/token/", {}, format="json"), "post", "/api/v1/auth/token/"),
        (lambda c: c.get("/api/v1/me/progress/"), "get", "/api/v1/me/progress/"),
        (lambda c: c.get("/api/v1/courses/no-such-course/"), "get", "/api/v1/courses/{slug}/"),
        (lambda c: c.post("/api/v1/attempts/999999/submit/"), "post",
         "/api/v1/attempts/{id}/submit/"),
    ],
)  # fmt: skip
def test_the_statuses_refused_requests_get_are_the_documented_ones(schema, make, method, path):
    response = make(APIClient())

    assert response.status_code >= 400
    assert str(response.status_code) in operation(schema, method, path)["responses"]
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_the_quiz_is_documented_as_a_learner_and_as_its_instructors_see_it(schema):
    found = operation(schema, "get", "/api/v1/quizzes/{id}/")["responses"]["200"]
    ref = found["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    one_of = {s["$ref"].rsplit("/", 1)[1] for s in schema["components"]["schemas"][ref]["oneOf"]}
    assert one_of == {"QuizSettingsOutput", "QuizAuthorOutput"}
