"""Instructor pages: a quiz's results (every attempt, filtered, as CSV too) and its item analysis.

Who may see them is decided once, by quizzes.selectors.results.require_results_access.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from lms.errors import ApplicationError
from quizzes.analysis_charts import response_chart
from quizzes.models import Attempt, ItemAnalysis, Quiz
from quizzes.results_csv import results_csv_lines
from quizzes.selectors import results as results_selectors
from quizzes.selectors.regrade import may_manage_grades
from quizzes.services import item_analysis as analysis_services

RESULTS_PER_PAGE = 50
FILTER_PARAMS = ("state", "outcome", "cohort", "from", "to", "q")


def _results_quiz(request, quiz_id: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    results_selectors.require_results_access(user=request.user, quiz=quiz)
    return quiz


def _chosen(request, quiz: Quiz) -> tuple[results_selectors.ResultsFilter | None, dict]:
    """The filter the query names, or None and the reasons per field it could not be read."""
    try:
        return results_selectors.results_filter_from(request.GET, quiz=quiz), {}
    except ApplicationError as error:
        return None, dict(error.details)


def _with_query(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


@login_required
def quiz_results(request, quiz_id: int):
    quiz = _results_quiz(request, quiz_id)
    chosen, errors = _chosen(request, quiz)
    cohorts = list(results_selectors.cohorts_of_quiz(quiz=quiz))
    context = {
        "quiz": quiz,
        "cohorts": cohorts,
        "states": Attempt.State.choices,
        "values": {name: request.GET.get(name, "") for name in FILTER_PARAMS},
        "errors": errors,
        # instructors reach each attempt's grade history (and overrides); assistants do not
        "manages_grades": may_manage_grades(user=request.user, course=quiz.module.course),
    }
    if chosen is not None:
        paginator = Paginator(
            results_selectors.quiz_results(quiz=quiz, chosen=chosen), RESULTS_PER_PAGE
        )
        page = paginator.get_page(request.GET.get("page"))
        query = chosen.as_params()
        context.update(
            page=page,
            rows=results_selectors.result_rows(page.object_list),
            csv_url=_with_query(reverse("teach-quiz-results-csv", args=[quiz.id]), query),
            previous_url=_with_query("", {**query, "page": str(page.previous_page_number())})
            if page.has_previous()
            else None,
            next_url=_with_query("", {**query, "page": str(page.next_page_number())})
            if page.has_next()
            else None,
            filtered=not chosen.is_empty,
            described=results_selectors.results_filter_description(chosen, cohorts=cohorts),
        )
    return render(request, "quizzes/teach_results.html", context)


@login_required
def quiz_results_csv(request, quiz_id: int):
    quiz = _results_quiz(request, quiz_id)
    chosen, errors = _chosen(request, quiz)
    if chosen is None:
        raise ApplicationError("Some filters could not be read.", details=errors)
    cohorts = list(results_selectors.cohorts_of_quiz(quiz=quiz))
    note = None
    if not chosen.is_empty:
        described = results_selectors.results_filter_description(chosen, cohorts=cohorts)
        note = f"Filter: {described}. Exported on {timezone.localdate():%-d %B %Y}."
    lines = results_csv_lines(
        results_selectors.iter_result_rows(quiz=quiz, chosen=chosen), note=note
    )
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="quiz-{quiz.id}-results-{stamp}.csv"'
    return response


@login_required
def quiz_analysis(request, quiz_id: int):
    quiz = _results_quiz(request, quiz_id)
    scope = request.GET.get("attempts", "")
    try:
        scope = analysis_services.scope_from(scope)
    except ApplicationError:
        scope = ItemAnalysis.Scope.FIRST
    result = analysis_services.item_analysis_for(actor=request.user, quiz=quiz, scope=scope)
    questions = [(q, response_chart(q)) for q in result.questions]
    return render(
        request,
        "quizzes/teach_results_analysis.html",
        {
            "quiz": quiz,
            "result": result,
            "questions": questions,
            "scopes": ItemAnalysis.Scope.choices,
            "poor": analysis_services.POOR_DISCRIMINATION,
        },
    )
