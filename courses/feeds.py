"""The learner's due-date calendar feed: no log-in (a calendar app cannot log in), the secret
in its address instead (accounts.services.calendar)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.models import User
from courses.selectors.calendar import due_date_calendar


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = User.objects.filter(calendar_token=token, is_active=True).first() if token else None
    if user is None:
        raise Http404("No calendar has this address (it may have been replaced).")
    response = HttpResponse(due_date_calendar(user=user), content_type="text/calendar")
    response["Content-Disposition"] = 'inline; filename="due-dates.ics"'
    response["Cache-Control"] = "private, max-age=900"  # apps poll; a date moves rarely
    return response
