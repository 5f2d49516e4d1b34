"""Item analysis of a quiz: how hard each question was, whether it tells stronger learners
from weaker ones, and what learners answered.

For each question version asked in the chosen graded attempts:

- facility index: the mean share of the question's mark the attempts earned (0 to 1);
- discrimination index, as Moodle's quiz statistics define it: the correlation (Pearson's r)
  between the question's score and the rest of the test's score (the attempt's total less
  this question), over the attempts that were asked it; None when either does not vary;
- how often each choice was picked (choice types), or the most common responses (short
  answer, numerical, matching pairs).

Two scopes, as in Moodle: each learner's first graded attempt (the default: later attempts
follow feedback on the first) or all graded attempts. Computed from one query over the
attempts' questions. A quiz with at most SMALL_QUIZ_ATTEMPTS graded attempts is computed on
the page; above that a worker on the `reports` queue computes it into an ItemAnalysis row,
recomputed when the graded attempts change (`analysis_version`).
"""

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from accounts.models import User
from lms.errors import ApplicationError
from quizzes.models import Attempt, AttemptQuestion, ItemAnalysis, Question, Quiz
from quizzes.scoring import CHOICE_TYPES, QuestionType, normalise_text, parse_number
from quizzes.selectors.results import require_results_access
from tasks.enqueue import BUILD_ITEM_ANALYSIS, enqueue

# Graded attempts up to which the page computes the analysis itself; above it a reports worker
# does, and the page shows the stored result. benchmarks/item_analysis.py measured 0.27 s for
# 300 attempts of 20 questions on a shared machine (3,000 took 4 s): 200 keeps the page's share
# under about 0.2 s.
SMALL_QUIZ_ATTEMPTS = 200
# Below this a question "discriminates poorly" (Moodle flags under 0.2 as weak; negative means
# stronger learners did worse on it than weaker ones: often a wrong key).
POOR_DISCRIMINATION = 0.2
MOST_COMMON = 5  # responses listed per short-answer or numerical question, per matching prompt
# A pending or running analysis whose row has not moved for this long lost its worker.
ANALYSIS_STALE_AFTER = timedelta(minutes=10)
ANALYSIS_MAX_RUNS = 5  # a failing analysis is tried again at most this many times


@dataclass
class ResponseCount:
    """One bar of a question's chart: a choice, or a response as learners typed it."""

    label: str
    count: int
    fraction: float | None = None  # share of the mark this response earns (None: unknown)


@dataclass
class QuestionAnalysis:
    question_id: int
    position: int
    name: str
    type: str
    version: int
    attempts: int  # attempts that were asked this question
    facility: float | None
    discrimination: float | None
    responses: list[ResponseCount] = field(default_factory=list)
    no_answer: int = 0

    @property
    def type_label(self) -> str:
        return QuestionType(self.type).label

    @property
    def discriminates_poorly(self) -> bool:
        return self.discrimination is not None and self.discrimination < POOR_DISCRIMINATION

    @property
    def discrimination_note(self) -> str:
        """What the discrimination index says, in plain words."""
        if self.discrimination is None:
            return "Not enough spread in the scores to tell."
        if self.discrimination < 0:
            return (
                "Works against the test: learners who did well overall did worse here. "
                "Check the key."
            )
        if self.discrimination < POOR_DISCRIMINATION:
            return "Discriminates poorly: it hardly tells stronger learners from weaker ones."
        return "Discriminates well."

    @property
    def facility_note(self) -> str:
        if self.facility is None:
            return ""
        if self.facility >= 0.9:
            return "Very easy"
        if self.facility < 0.3:
            return "Hard"
        return ""


@dataclass
class ItemAnalysisResult:
    """What the analysis page and the API show."""

    scope: str
    status: str  # an ItemAnalysis.Status value; READY for one computed on the page
    attempt_count: int
    questions: list[QuestionAnalysis]
    computed_at: datetime | None
    stored: bool  # computed by a worker (a large quiz), not on the page
    up_to_date: bool  # computed from the graded attempts as they are now
    error: str = ""

    @property
    def scope_label(self) -> str:
        return ItemAnalysis.Scope(self.scope).label

    @property
    def has_result(self) -> bool:
        return self.computed_at is not None

    @property
    def is_working(self) -> bool:
        return self.status in (ItemAnalysis.Status.PENDING, ItemAnalysis.Status.RUNNING)


def scope_from(value: str) -> str:
    """The scope a page or API names; ApplicationError for anything else."""
    value = value or ItemAnalysis.Scope.FIRST
    if value not in ItemAnalysis.Scope.values:
        raise ApplicationError(
            f"Choose one of: {', '.join(ItemAnalysis.Scope.values)}.",
            details={"attempts": [f"Choose one of: {', '.join(ItemAnalysis.Scope.values)}."]},
        )
    return value


def analysed_attempts(*, quiz: Quiz, scope: str) -> QuerySet[Attempt]:
    graded = Attempt.objects.filter(quiz=quiz, state=Attempt.State.GRADED)
    if scope == ItemAnalysis.Scope.ALL:
        return graded
    first = Attempt.objects.filter(
        quiz_id=OuterRef("quiz_id"), user_id=OuterRef("user_id"), state=Attempt.State.GRADED
    ).order_by("number")
    return graded.filter(pk=Subquery(first.values("pk")[:1]))


def analysis_version(*, quiz: Quiz, scope: str) -> tuple[str, int]:
    """(version, how many attempts) of the attempts the analysis reads, in one query.

    The count and the latest grading time change with every attempt graded, regraded (which
    grades again) or removed; the sum of the scores with a score changed by hand that leaves
    the grading time as it was.
    """
    found = analysed_attempts(quiz=quiz, scope=scope).aggregate(
        n=Count("id"), last=Max("graded_at"), total=Sum("score")
    )
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{found['n']}@{last}+{found['total'] or 0}", found["n"]


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


@dataclass
class _Item:
    attempt_id: int
    position: int
    points: Decimal
    score: Decimal | None
    fraction: Decimal | None
    response: dict[str, Any] | None
    options: list[str]


def _typed(item: _Item, question: Question) -> list[str]:
    """The short answer or number given, as labels to count (none when left empty)."""
    response = item.response or {}
    if question.type == QuestionType.SHORT_ANSWER:
        text = normalise_text(str(response.get("text", "")))
        return [text if question.case_sensitive else text.lower()] if text else []
    if question.type == QuestionType.NUMERICAL:
        number = parse_number(response.get("value"))
        return [format(number.normalize(), "f")] if number is not None else []
    return []


def _matching_pairs(item: _Item) -> list[tuple[int, str]]:
    """(prompt id, answer text chosen) of a matching response."""
    pairs = []
    for prompt, option in ((item.response or {}).get("matches") or {}).items():
        if isinstance(option, int) and 1 <= option <= len(item.options) and str(prompt).isdigit():
            pairs.append((int(prompt), str(item.options[option - 1])))
    return pairs


def _analyse_question(
    question: Question, items: list[_Item], totals: dict[int, Decimal]
) -> QuestionAnalysis:
    scores = [float(i.score or 0) for i in items]
    rest = [float(totals[i.attempt_id] - (i.score or 0)) for i in items]
    marks = [float((i.score or 0) / i.points) for i in items if i.points > 0]
    positions = Counter(i.position for i in items)
    analysis = QuestionAnalysis(
        question_id=question.id,
        position=positions.most_common(1)[0][0],
        name=question.name,
        type=question.type,
        version=question.version,
        attempts=len(items),
        facility=round(sum(marks) / len(marks), 4) if marks else None,
        discrimination=None if (r := _pearson(scores, rest)) is None else round(r, 4),
    )
    choices = list(question.choices.all())  # prefetched, in position order
    if question.type in CHOICE_TYPES:
        picked: Counter[int] = Counter()
        for item in items:
            chosen = set((item.response or {}).get("choice_ids") or [])
            picked.update(chosen)
            analysis.no_answer += not chosen
        analysis.responses = [
            ResponseCount(normalise_text(c.text), picked[c.id], float(c.fraction)) for c in choices
        ]
    elif question.type == QuestionType.MATCHING:
        prompts = {c.id: c for c in choices if c.text}
        pairs: dict[int, Counter[str]] = defaultdict(Counter)
        for item in items:
            found = _matching_pairs(item)
            analysis.no_answer += not found
            for prompt_id, answer in found:
                pairs[prompt_id][answer] += 1
        for prompt_id, prompt in prompts.items():
            for answer, count in pairs[prompt_id].most_common(MOST_COMMON):
                right = 1.0 if answer == prompt.match_text else 0.0
                label = f"{normalise_text(prompt.text)} → {answer}"
                analysis.responses.append(ResponseCount(label, count, right))
    elif question.type in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL):
        given: Counter[str] = Counter()
        earned: dict[str, float] = {}
        for item in items:
            labels = _typed(item, question)
            analysis.no_answer += not labels
            for label in labels:
                given[label] += 1
                if item.fraction is not None:
                    earned.setdefault(label, float(item.fraction))
        analysis.responses = [
            ResponseCount(label, count, earned.get(label))
            for label, count in given.most_common(MOST_COMMON)
        ]
    return analysis


def item_analysis_compute(*, quiz: Quiz, scope: str) -> list[QuestionAnalysis]:
    """The analysis of the quiz's graded attempts in `scope`, question by question in quiz
    order. Three queries: the attempts' questions, the questions asked, their choices."""
    rows = (
        AttemptQuestion.objects.filter(attempt__in=analysed_attempts(quiz=quiz, scope=scope))
        .exclude(question__type=QuestionType.DESCRIPTION)
        .order_by()
        # Only matching reads the answers offered; JSON decoding is most of the time here.
        .annotate(
            offered=Case(
                When(question__type=QuestionType.MATCHING, then=F("options")),
                default=None,
                output_field=JSONField(),
            )
        )
        .values_list(
            "attempt_id",
            "question_id",
            "position",
            "points",
            "score",
            "fraction",
            "response",
            "offered",
        )
    )
    by_question: dict[int, list[_Item]] = defaultdict(list)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (
        attempt_id,
        question_id,
        position,
        points,
        score,
        fraction,
        response,
        options,
    ) in rows.iterator(chunk_size=5000):
        item = _Item(attempt_id, position, points, score, fraction, response, options or [])
        by_question[question_id].append(item)
        totals[attempt_id] += score or 0
    questions = Question.objects.filter(pk__in=by_question).prefetch_related("choices")
    analyses = [_analyse_question(q, by_question[q.id], totals) for q in questions]
    return sorted(analyses, key=lambda a: (a.position, a.question_id))


def _from_stored(data: list[dict[str, Any]]) -> list[QuestionAnalysis]:
    analyses = []
    for entry in data:
        responses = [ResponseCount(**r) for r in entry.get("responses", [])]
        analyses.append(QuestionAnalysis(**{**entry, "responses": responses}))
    return analyses


def _result_of(row: ItemAnalysis, *, up_to_date: bool) -> ItemAnalysisResult:
    return ItemAnalysisResult(
        scope=row.scope,
        status=row.status,
        attempt_count=row.attempt_count,
        questions=_from_stored(row.questions),
        computed_at=row.computed_at,
        stored=True,
        up_to_date=up_to_date,
        error=row.error if row.status == ItemAnalysis.Status.FAILED else "",
    )


def item_analysis_for(*, actor: User | AnonymousUser, quiz: Quiz, scope: str) -> ItemAnalysisResult:
    """The quiz's item analysis for `actor`: computed now for a small quiz; for a large one the
    stored result, with a worker asked to compute it again when the attempts have changed."""
    require_results_access(user=actor, quiz=quiz)
    version, count = analysis_version(quiz=quiz, scope=scope)
    if count <= SMALL_QUIZ_ATTEMPTS:
        return ItemAnalysisResult(
            scope=scope,
            status=ItemAnalysis.Status.READY,
            attempt_count=count,
            questions=item_analysis_compute(quiz=quiz, scope=scope),
            computed_at=timezone.now(),
            stored=False,
            up_to_date=True,
        )
    row = item_analysis_request(quiz=quiz, scope=scope, version=version)
    return _result_of(row, up_to_date=row.version == version)


@transaction.atomic
def item_analysis_request(*, quiz: Quiz, scope: str, version: str) -> ItemAnalysis:
    """The quiz's stored analysis row, with a worker asked for a run when its result is not of
    `version` and no live run is on it already (a lost or failed one is asked again)."""
    _, created = ItemAnalysis.objects.get_or_create(
        quiz=quiz, scope=scope, defaults={"wanted_version": version}
    )
    row = ItemAnalysis.objects.select_for_update().get(quiz=quiz, scope=scope)
    if not created:
        if row.status == ItemAnalysis.Status.READY and row.version == version:
            return row
        working = row.status in (ItemAnalysis.Status.PENDING, ItemAnalysis.Status.RUNNING)
        if working and row.updated_at >= timezone.now() - ANALYSIS_STALE_AFTER:
            # A live run reads the attempts as they are when it starts; a view after it
            # finishes sees whether they changed since, and asks again.
            if row.wanted_version != version:
                row.wanted_version = version
                row.save(update_fields=["wanted_version", "updated_at"])
            return row
        failed = row.status == ItemAnalysis.Status.FAILED
        if failed and row.wanted_version == version and row.runs >= ANALYSIS_MAX_RUNS:
            return row  # it fails on these attempts: the page shows the error
    row.status = ItemAnalysis.Status.PENDING
    row.wanted_version = version
    row.save(update_fields=["status", "wanted_version", "updated_at"])
    enqueue(BUILD_ITEM_ANALYSIS, row.id)
    return row


def item_analysis_build(*, analysis_id: int) -> ItemAnalysis | None:
    """Compute a stored analysis and mark it ready. Safe to run twice and after a killed worker:
    a run claims the row (pending, failed, or running but abandoned) by bumping `runs`, and
    writes its result only while it still holds that claim."""
    now = timezone.now()
    claimable = (
        Q(status=ItemAnalysis.Status.PENDING)
        | Q(status=ItemAnalysis.Status.FAILED, runs__lt=ANALYSIS_MAX_RUNS)
        | Q(status=ItemAnalysis.Status.RUNNING, updated_at__lt=now - ANALYSIS_STALE_AFTER)
    )
    claimed = ItemAnalysis.objects.filter(claimable, pk=analysis_id).update(
        status=ItemAnalysis.Status.RUNNING, runs=F("runs") + 1, error="", updated_at=now
    )
    if claimed != 1:
        return ItemAnalysis.objects.filter(pk=analysis_id).first()
    row = ItemAnalysis.objects.select_related("quiz").get(pk=analysis_id)
    run = row.runs
    try:
        version, count = analysis_version(quiz=row.quiz, scope=row.scope)
        questions = [asdict(q) for q in item_analysis_compute(quiz=row.quiz, scope=row.scope)]
    except Exception as exc:
        ItemAnalysis.objects.filter(pk=analysis_id, runs=run).update(
            status=ItemAnalysis.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
        raise
    ItemAnalysis.objects.filter(
        pk=analysis_id, runs=run, status=ItemAnalysis.Status.RUNNING
    ).update(
        status=ItemAnalysis.Status.READY,
        version=version,
        attempt_count=count,
        questions=questions,
        computed_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return ItemAnalysis.objects.filter(pk=analysis_id).first()
