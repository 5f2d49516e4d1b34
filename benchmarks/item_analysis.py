"""A quiz's item analysis at scale: the project's set-based computation beside a per-attempt loop.

    python -m benchmarks.item_analysis [--attempts N] [--small N] [--questions N] [--rounds N]

Builds a quiz of 20 single-choice questions and graded attempts by 3,000 learners (seeded
random answers, stronger learners answering right more often), plus a second quiz of 300
(SMALL_QUIZ_ATTEMPTS: what the page computes itself). Project: `item_analysis_compute`, what
the page and the reports worker run. Baseline, in the same run on the same rows: the same
figures read the way a per-attempt ORM loop reads them (each attempt's questions fetched in
turn, each question's choices fetched when first met). Both must produce the same analysis, or
the run fails. Timings are medians of interleaved rounds.

Budget (this benchmark's own; DESIGN.md section 8 names none for item analysis): the same
query count at 300 and at 3,000 attempts, and at least 5x faster than the loop. `small_ms`
is the page's cost at the threshold.

Uses DATABASE_URL (default: PostgreSQL database `lms_bench` on loopback; `make bench` starts
the server); the database is created and migrated if needed, and this run's rows are deleted
at the end. The last line printed is one JSON object.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.local")
os.environ.setdefault("DATABASE_URL", "postgres://postgres:postgres@127.0.0.1:5432/lms_bench")
os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query in memory: not what we measure

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks._database import create_database, vacuum_analyze  # noqa: E402
from courses.models import Course, Module  # noqa: E402
from quizzes.models import (  # noqa: E402
    Attempt,
    AttemptQuestion,
    Choice,
    ItemAnalysis,
    Question,
    QuestionCategory,
    Quiz,
    QuizSlot,
)
from quizzes.services import item_analysis as analysis  # noqa: E402

BUDGET_RATIO = 5
UNUSABLE = "!"
User = get_user_model()
SCOPE = ItemAnalysis.Scope.FIRST


def _quiz(course: Course, position: int, questions: int) -> tuple[Quiz, list[Question]]:
    module = Module.objects.create(
        course=course, position=position, slug=f"m{position}", title=f"Module {position}"
    )
    quiz = Quiz.objects.create(module=module, title=f"Module {position} quiz")
    category = QuestionCategory.objects.create(course=course, name=f"Module {position}")
    asked = Question.objects.bulk_create(
        Question(category=category, name=f"Q{n}", text=f"Question {n}?")
        for n in range(1, questions + 1)
    )
    Choice.objects.bulk_create(
        Choice(question=q, position=p, text=f"{q.name} choice {p}", fraction=Decimal(p == 1))
        for q in asked
        for p in (1, 2, 3, 4)
    )
    QuizSlot.objects.bulk_create(
        QuizSlot(quiz=quiz, position=n, question=q) for n, q in enumerate(asked, start=1)
    )
    return quiz, asked


def _attempts(quiz: Quiz, questions: list[Question], learners: list, rng: random.Random) -> None:
    choices = defaultdict(list)
    for choice in Choice.objects.filter(question__in=questions).order_by("position"):
        choices[choice.question_id].append(choice.id)
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            user=user,
            number=1,
            state=Attempt.State.GRADED,
            submitted_at=now,
            graded_at=now,
            max_score=Decimal(len(questions)),
        )
        for user in learners
    )
    rows = []
    for attempt in attempts:
        ability = rng.random()
        total = 0
        for position, question in enumerate(questions, start=1):
            right = rng.random() < 0.25 + 0.7 * ability * (0.5 + position / len(questions))
            picked = choices[question.id][0] if right else rng.choice(choices[question.id][1:])
            total += right
            rows.append(
                AttemptQuestion(
                    attempt=attempt,
                    position=position,
                    question=question,
                    points=Decimal(1),
                    choice_order=choices[question.id],
                    response={"choice_ids": [picked]},
                    score=Decimal(right),
                    fraction=Decimal(right),
                )
            )
        attempt.score = Decimal(total)
        attempt.percent = Decimal(total * 100 / len(questions)).quantize(Decimal("0.01"))
        attempt.passed = attempt.percent >= quiz.pass_mark_percent
    AttemptQuestion.objects.bulk_create(rows, batch_size=5000)
    Attempt.objects.bulk_update(attempts, ["score", "percent", "passed"], batch_size=2000)


def naive_analysis(quiz: Quiz) -> list[analysis.QuestionAnalysis]:
    """The same analysis, each attempt's questions read in turn (the per-attempt ORM loop)."""
    by_question: dict[int, list] = defaultdict(list)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    questions: dict[int, Question] = {}
    for attempt in analysis.analysed_attempts(quiz=quiz, scope=SCOPE):
        for item in attempt.questions.all():
            if item.question_id not in questions:
                questions[item.question_id] = Question.objects.get(pk=item.question_id)
            by_question[item.question_id].append(
                analysis._Item(
                    attempt.id,
                    item.position,
                    item.points,
                    item.score,
                    item.fraction,
                    item.response,
                    item.options or [],
                )
            )
            totals[attempt.id] += item.score or 0
    found = [analysis._analyse_question(q, by_question[i], totals) for i, q in questions.items()]
    return sorted(found, key=lambda a: (a.position, a.question_id))


def _median_ms(fn, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _queries(quiz: Quiz) -> int:
    with CaptureQueriesContext(connection) as captured:
        analysis.item_analysis_compute(quiz=quiz, scope=SCOPE)
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=3000)
    parser.add_argument("--small", type=int, default=analysis.SMALL_QUIZ_ATTEMPTS)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="project x3, baseline x1 each")
    args = parser.parse_args()

    create_database()
    call_command("migrate", verbosity=0)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    rng = random.Random(stamp)
    with transaction.atomic():
        course = Course.objects.create(title=f"Bench {stamp}", slug=f"bench-analysis-{stamp}")
        learners = User.objects.bulk_create(
            User(username=f"bench-{stamp}-{n}", full_name=f"Learner {n}", password=UNUSABLE)
            for n in range(args.attempts)
        )
        large, large_questions = _quiz(course, 1, args.questions)
        small, small_questions = _quiz(course, 2, args.questions)
        _attempts(large, large_questions, learners, rng)
        _attempts(small, small_questions, learners[: args.small], rng)
    vacuum_analyze()
    try:
        queries = {"queries_small": _queries(small), "queries_large": _queries(large)}
        ours = analysis.item_analysis_compute(quiz=large, scope=SCOPE)
        if ours != naive_analysis(large):
            raise SystemExit("The baseline and the project disagree: the benchmark is invalid")
        project_runs, baseline_runs = [], []
        for _ in range(args.rounds):
            project_runs.append(
                _median_ms(lambda: analysis.item_analysis_compute(quiz=large, scope=SCOPE), 3)
            )
            baseline_runs.append(_median_ms(lambda: naive_analysis(large), 1))
        small_ms = _median_ms(lambda: analysis.item_analysis_compute(quiz=small, scope=SCOPE), 5)
    finally:
        with transaction.atomic():
            Attempt.objects.filter(quiz__module__course=course).delete()
            QuizSlot.objects.filter(quiz__module__course=course).delete()
            Question.objects.filter(category__course=course).delete()
            course.delete()
            User.objects.filter(username__startswith=f"bench-{stamp}-").delete()
    project_ms = statistics.median(project_runs)
    baseline_ms = statistics.median(baseline_runs)
    result = {
        "benchmark": "item_analysis",
        "attempts": args.attempts,
        "questions": args.questions,
        "project_ms": round(project_ms, 1),
        "baseline_ms": round(baseline_ms, 1),
        "ratio": round(baseline_ms / project_ms, 1),
        "small_attempts": args.small,
        "small_ms": round(small_ms, 1),
        **queries,
        "database": connection.vendor,
        "python": platform.python_version(),
        "budget": {"ratio_min": BUDGET_RATIO, "queries_equal": True},
    }
    result["within_budget"] = (
        result["ratio"] >= BUDGET_RATIO and queries["queries_small"] == queries["queries_large"]
    )
    print(json.dumps(result))
    if not result["within_budget"]:
        sys.exit("item_analysis: outside its budget (see the JSON line above)")


if __name__ == "__main__":
    main()
