"""404s with DEBUG on (`make run`): the site's own page, never Django's list of URL patterns.

With DEBUG off Django calls `handler404` itself; with it on, `SiteNotFoundPageMiddleware`
answers the same way, and every other error keeps Django's debug page.
"""

import pytest
from django.http import Http404
from django.test import RequestFactory

from lms.middleware import SiteNotFoundPageMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def assert_site_404(response) -> None:
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Not found</h1>" in text
    assert "There is nothing at this address." in text
    assert "URLconf" not in text and "Using the URLconf" not in text
    assert "api/v1/" not in text  # no URL pattern is listed


def test_an_unknown_address_shows_the_sites_404_page(client, debug):
    assert_site_404(client.get("/no-such-page/"))


def test_a_views_http404_shows_the_sites_404_page(client, debug):
    client.force_login(UserFactory())
    assert_site_404(client.get("/lessons/999999/"))  # get_object_or_404


def test_the_api_keeps_its_error_shape(client, debug):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_missing_slash_still_redirects(client, debug):
    response = client.get("/verify")
    assert response.status_code == 301
    assert response["Location"] == "/verify/"


def test_other_errors_keep_djangos_debug_page(settings):
    settings.DEBUG = True
    middleware = SiteNotFoundPageMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, RuntimeError("broken")) is None
    assert middleware.process_exception(request, Http404("gone")) is not None
