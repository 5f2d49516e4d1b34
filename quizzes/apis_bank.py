"""The question bank's API for a course's instructors: questions (listed with the bank page's
filters, created, edited into a new version once asked), the category tree, moving, copying
and tagging questions, and quiz slots filled from the bank.

Each view finds the course by its slug (404 if there is none) and lets only its instructors
and staff in (403); the bank's services check it again.
"""

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from courses.models import Course
from lms.errors import NotFound, PermissionDenied
from lms.schema import ErrorOutput
from quizzes.models import (
    MAX_RANDOM_COUNT,
    MAX_TEXT,
    Question,
    QuestionCategory,
    QuestionTag,
    Quiz,
    QuizSlot,
)
from quizzes.selectors import access as access_selectors
from quizzes.selectors import bank as bank_selectors
from quizzes.services import authoring as authoring_services
from quizzes.services import bank as bank_services
from quizzes.services.authoring import MAX_ANSWERS


def _taught_course(request: Request, slug: str) -> Course:
    course = Course.objects.filter(slug=slug).first()
    if course is None:
        raise NotFound("No such course.")
    if not access_selectors.is_course_instructor(user=request.user, course=course):
        raise PermissionDenied(
            "Only the course's instructors can use its question bank.", code="not_instructor"
        )
    return course


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _category(course: Course, category_id: int) -> QuestionCategory:
    category = QuestionCategory.objects.filter(pk=category_id, course=course).first()
    if category is None:
        raise NotFound(
            "No such category in this course.",
            code="category_not_found",
            details={"category": ["No such category in this course."]},
        )
    return category


def _parent(course: Course, category_id: int | None) -> QuestionCategory | None:
    """A parent category named by its id; None is the top of the bank."""
    return None if category_id is None else _category(course, category_id)


# --- questions ---------------------------------------------------------------------------------


class AnswerSerializer(serializers.Serializer):
    """One answer row; which fields count depends on the question's type (see `Choice`)."""

    text = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")
    match_text = serializers.CharField(max_length=500, allow_blank=True, default="")
    value_min = serializers.DecimalField(
        max_digits=24, decimal_places=10, allow_null=True, default=None
    )
    value_max = serializers.DecimalField(
        max_digits=24, decimal_places=10, allow_null=True, default=None
    )
    fraction = serializers.DecimalField(
        max_digits=6, decimal_places=5, min_value=-1, max_value=1, default=Decimal("0")
    )
    feedback = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")


class AnswerOutput(AnswerSerializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()


class QuestionUseOutput(serializers.Serializer):
    quiz_id = serializers.IntegerField()
    quiz_title = serializers.CharField()
    module_title = serializers.CharField()
    position = serializers.IntegerField(help_text="The slot's place in the quiz.")
    random = serializers.BooleanField(help_text="A random slot that may draw the question.")


class BankQuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=Question.Type.choices)
    name = serializers.CharField()
    text = serializers.CharField()
    general_feedback = serializers.CharField()
    default_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    case_sensitive = serializers.BooleanField()
    version = serializers.IntegerField()
    previous_id = serializers.IntegerField(
        allow_null=True, help_text="The version this one replaced."
    )
    category_id = serializers.IntegerField()
    category_path = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    answers = AnswerOutput(many=True)
    used_in = QuestionUseOutput(many=True)


def _questions_payload(course: Course, questions: list[Question]) -> list[dict]:
    paths = bank_selectors.category_paths(bank_selectors.category_tree(course=course))
    uses = bank_selectors.questions_uses(questions=questions)
    rows = [
        {
            "id": q.pk,
            "type": q.type,
            "name": q.name,
            "text": q.text,
            "general_feedback": q.general_feedback,
            "default_points": q.default_points,
            "case_sensitive": q.case_sensitive,
            "version": q.version,
            "previous_id": q.previous_id,
            "category_id": q.category_id,
            "category_path": paths.get(q.category_id, ""),
            "tags": [t.name for t in q.tags.all()],
            "answers": list(q.choices.all()),
            "used_in": uses.get(q.pk, []),
        }
        for q in questions
    ]
    return BankQuestionOutput(rows, many=True).data  # type: ignore[return-value]  # many=True: a list


def _question_loaded(question_id: int) -> Question:
    return (
        Question.objects.select_related("category")
        .prefetch_related("tags", "choices")
        .get(pk=question_id)
    )


class QuestionInput(serializers.Serializer):
    category = serializers.IntegerField(help_text="A category of this course's bank (its id).")
    type = serializers.ChoiceField(choices=Question.Type.choices)
    name = serializers.CharField(
        max_length=200, allow_blank=True, default="", help_text="Empty: made from the text."
    )
    text = serializers.CharField(max_length=MAX_TEXT, help_text="Markdown.")
    general_feedback = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")
    default_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, default=Decimal("1")
    )
    case_sensitive = serializers.BooleanField(default=False, help_text="Short answer only.")
    answers = serializers.ListField(child=AnswerSerializer(), max_length=MAX_ANSWERS, default=list)


class QuestionEditInput(serializers.Serializer):
    """The question's new content; its type and category stay (move it to change that)."""

    name = serializers.CharField(max_length=200, allow_blank=True, required=False)
    text = serializers.CharField(max_length=MAX_TEXT, required=False)
    general_feedback = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False)
    default_points = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False
    )
    case_sensitive = serializers.BooleanField(required=False)
    answers = serializers.ListField(child=AnswerSerializer(), max_length=MAX_ANSWERS)


BANK_FILTERS = [
    OpenApiParameter("q", str, description="Words, each found in the name or the text."),
    OpenApiParameter("type", str, enum=Question.Type.values),
    OpenApiParameter("category", int, description="A category's id: its subcategories too."),
    OpenApiParameter("tag", str, description="A tag's name (any case)."),
]


class BankQuestionsApi(GenericAPIView):
    """The course's current bank questions, filtered as on the bank page; or a new one."""

    serializer_class = BankQuestionOutput

    @extend_schema(parameters=BANK_FILTERS, responses=BankQuestionOutput(many=True))
    def get(self, request, slug: str):
        course = _taught_course(request, slug)
        filters: dict[str, Any] = {
            "text": request.query_params.get("q", "")[:200],
            "type": request.query_params.get("type", ""),
        }
        category = request.query_params.get("category", "")
        if category:
            if not category.isdecimal():
                raise NotFound("No such category in this course.", code="category_not_found")
            filters["category"] = _category(course, int(category))
        tag = request.query_params.get("tag", "")
        if tag:
            found = QuestionTag.objects.filter(course=course, name__iexact=tag).first()
            if found is None:
                raise NotFound("No such tag in this course.", code="tag_not_found")
            filters["tag"] = found
        questions = bank_selectors.bank_questions(course=course, **filters).prefetch_related(
            "choices"
        )
        page = self.paginate_queryset(questions)
        assert page is not None  # the project's API always paginates
        return self.get_paginated_response(_questions_payload(course, list(page)))

    @extend_schema(request=QuestionInput, responses={201: BankQuestionOutput})
    def post(self, request, slug: str):
        course = _taught_course(request, slug)
        data = _valid(QuestionInput, request.data)
        category = _category(course, data.pop("category"))
        question = bank_services.bank_question_create(
            actor=request.user,
            category=category,
            type=data.pop("type"),
            answers=[dict(a) for a in data.pop("answers")],
            **data,
        )
        payload = _questions_payload(course, [_question_loaded(question.pk)])[0]
        return Response(payload, status=status.HTTP_201_CREATED)


class BankQuestionApi(APIView):
    """One current bank question with its key; edited in place, or into a new version once
    learners have been asked it (the answer is then the new version, with a new id)."""

    conflict = "That is an earlier version; edit the current one (`question_not_current`)."

    def _question(self, request, slug: str, question_id: int) -> tuple[Course, Question]:
        course = _taught_course(request, slug)
        question = (
            Question.objects.select_related("category")
            .filter(pk=question_id, category__course=course)
            .first()
        )
        if question is None:
            raise NotFound("No such question in this bank.")
        return course, question

    @extend_schema(responses=BankQuestionOutput)
    def get(self, request, slug: str, question_id: int):
        course, question = self._question(request, slug, question_id)
        return Response(_questions_payload(course, [_question_loaded(question.pk)])[0])

    @extend_schema(request=QuestionEditInput, responses=BankQuestionOutput)
    def put(self, request, slug: str, question_id: int):
        course, question = self._question(request, slug, question_id)
        data = _valid(QuestionEditInput, request.data)
        saved = authoring_services.question_revise(
            actor=request.user,
            question=question,
            answers=[dict(a) for a in data.pop("answers")],
            **data,
        )
        return Response(_questions_payload(course, [_question_loaded(saved.pk)])[0])


class QuestionIdsInput(serializers.Serializer):
    question_ids = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=500
    )


class QuestionsToCategoryInput(QuestionIdsInput):
    category = serializers.IntegerField(help_text="The category to put them in.")


class MovedOutput(serializers.Serializer):
    moved = serializers.IntegerField(help_text="How many questions moved.")


class BankQuestionsMoveApi(APIView):
    """Move questions (with their earlier versions) to another category of the bank."""

    @extend_schema(request=QuestionsToCategoryInput, responses=MovedOutput)
    def post(self, request, slug: str):
        course = _taught_course(request, slug)
        data = _valid(QuestionsToCategoryInput, request.data)
        moved = bank_services.questions_move(
            actor=request.user,
            course=course,
            question_ids=data["question_ids"],
            category=_category(course, data["category"]),
        )
        return Response({"moved": moved})


class BankQuestionsCopyApi(APIView):
    """Copy questions into a category: new questions with the same key and tags."""

    @extend_schema(request=QuestionsToCategoryInput, responses={201: BankQuestionOutput(many=True)})
    def post(self, request, slug: str):
        course = _taught_course(request, slug)
        data = _valid(QuestionsToCategoryInput, request.data)
        copies = bank_services.questions_copy(
            actor=request.user,
            course=course,
            question_ids=data["question_ids"],
            category=_category(course, data["category"]),
        )
        loaded = [_question_loaded(c.pk) for c in copies]
        return Response(_questions_payload(course, loaded), status=status.HTTP_201_CREATED)


class QuestionsTagInput(QuestionIdsInput):
    tag = serializers.CharField(max_length=60, help_text="The tag's name (matched in any case).")
    remove = serializers.BooleanField(default=False, help_text="Take the tag off instead.")


class TagOutput(serializers.Serializer):
    tag = serializers.CharField()


class BankQuestionsTagApi(APIView):
    """Tag questions (a new tag is made), or with `"remove": true` take the tag off them
    (a tag left on no question goes)."""

    @extend_schema(request=QuestionsTagInput, responses=TagOutput)
    def post(self, request, slug: str):
        course = _taught_course(request, slug)
        data = _valid(QuestionsTagInput, request.data)
        if data["remove"]:
            tag = QuestionTag.objects.filter(
                course=course, name__iexact=data["tag"].strip()
            ).first()
            if tag is None:
                raise NotFound(
                    "No such tag in this course.",
                    code="tag_not_found",
                    details={"tag": ["No such tag in this course."]},
                )
            bank_services.questions_untag(
                actor=request.user, course=course, question_ids=data["question_ids"], tag=tag
            )
            return Response({"tag": tag.name})
        tag = bank_services.questions_tag(
            actor=request.user, course=course, question_ids=data["question_ids"], name=data["tag"]
        )
        return Response({"tag": tag.name})


# --- categories --------------------------------------------------------------------------------


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField(help_text="0 at the top of the bank.")
    path = serializers.CharField(help_text="“Top / Middle / This”.")
    question_count = serializers.IntegerField(help_text="Current questions in it (not below).")


def _categories_payload(course: Course) -> list[dict]:
    tree = bank_selectors.category_tree(course=course)
    paths = bank_selectors.category_paths(tree)
    return [
        {
            "id": node.id,
            "name": node.name,
            "parent_id": node.category.parent_id,
            "depth": node.depth,
            "path": paths[node.id],
            "question_count": node.question_count,
        }
        for node in bank_selectors.tree_flat(tree)
    ]


def _category_payload(course: Course, category_id: int) -> dict:
    return next(c for c in _categories_payload(course) if c["id"] == category_id)


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    parent_id = serializers.IntegerField(
        allow_null=True, default=None, help_text="The parent category's id; null: at the top."
    )


class CategoryUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    parent_id = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="Move inside this category (null: to the top); never inside itself or one "
        "of its subcategories.",
    )


class BankCategoriesApi(APIView):
    """The bank's category tree, in reading order (each category before its subcategories);
    or a new category."""

    @extend_schema(responses=CategoryOutput(many=True))
    def get(self, request, slug: str):
        course = _taught_course(request, slug)
        return Response(CategoryOutput(_categories_payload(course), many=True).data)

    @extend_schema(request=CategoryInput, responses={201: CategoryOutput})
    def post(self, request, slug: str):
        course = _taught_course(request, slug)
        data = _valid(CategoryInput, request.data)
        category = bank_services.category_create(
            actor=request.user,
            course=course,
            name=data["name"],
            parent=_parent(course, data["parent_id"]),
        )
        return Response(
            CategoryOutput(_category_payload(course, category.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class BankCategoryApi(APIView):
    """One category: renamed, moved (nested), or deleted when empty."""

    def _category(self, request, slug: str, category_id: int) -> tuple[Course, QuestionCategory]:
        course = _taught_course(request, slug)
        category = QuestionCategory.objects.filter(pk=category_id, course=course).first()
        if category is None:
            raise NotFound("No such category in this course.")
        return course, category

    @extend_schema(responses=CategoryOutput)
    def get(self, request, slug: str, category_id: int):
        course, category = self._category(request, slug, category_id)
        return Response(CategoryOutput(_category_payload(course, category.pk)).data)

    @extend_schema(request=CategoryUpdateInput, responses=CategoryOutput)
    def patch(self, request, slug: str, category_id: int):
        course, category = self._category(request, slug, category_id)
        data = _valid(CategoryUpdateInput, request.data)
        if "name" in data:
            category = bank_services.category_rename(
                actor=request.user, category=category, name=data["name"]
            )
        if "parent_id" in data:
            category = bank_services.category_move(
                actor=request.user, category=category, parent=_parent(course, data["parent_id"])
            )
        return Response(CategoryOutput(_category_payload(course, category.pk)).data)

    @extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                ErrorOutput,
                description="It has subcategories, questions (earlier versions included) or a "
                "random slot drawing from it (`category_not_empty`).",
            ),
        }
    )
    def delete(self, request, slug: str, category_id: int):
        _course, category = self._category(request, slug, category_id)
        bank_services.category_delete(actor=request.user, category=category)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- quiz slots from the bank -------------------------------------------------------------------


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    question_id = serializers.IntegerField(allow_null=True)
    random_category_id = serializers.IntegerField(allow_null=True)
    random_count = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


def _taught_quiz(request: Request, quiz_id: int) -> Quiz:
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), pk=quiz_id)
    if not access_selectors.is_course_instructor(user=request.user, course=quiz.module.course):
        raise PermissionDenied(
            "Only the course's instructors can change this quiz.", code="not_instructor"
        )
    return quiz


class BankSlotsInput(QuestionIdsInput):
    points = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        default=None,
        help_text="Null: each question's own points.",
    )


class QuizBankSlotsApi(APIView):
    """Add bank questions to the quiz's end, each in a fixed slot."""

    @extend_schema(request=BankSlotsInput, responses={201: SlotOutput(many=True)})
    def post(self, request, quiz_id: int):
        quiz = _taught_quiz(request, quiz_id)
        data = _valid(BankSlotsInput, request.data)
        slots = bank_services.quiz_slots_add_questions(
            actor=request.user, quiz=quiz, question_ids=data["question_ids"], points=data["points"]
        )
        return Response(SlotOutput(slots, many=True).data, status=status.HTTP_201_CREATED)


class RandomSlotInput(serializers.Serializer):
    category = serializers.IntegerField()
    count = serializers.IntegerField(min_value=1, max_value=MAX_RANDOM_COUNT)
    points = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        default=None,
        help_text="Points of each drawn question; null: each question's own.",
    )


class QuizRandomSlotApi(APIView):
    """Add a slot that draws `count` random questions from a category and its subcategories,
    anew at each attempt's start (refused, `category_too_small`, when it holds too few)."""

    @extend_schema(request=RandomSlotInput, responses={201: SlotOutput})
    def post(self, request, quiz_id: int):
        quiz = _taught_quiz(request, quiz_id)
        data = _valid(RandomSlotInput, request.data)
        category = _category(quiz.module.course, data["category"])
        slot: QuizSlot = bank_services.quiz_slot_add_random(
            actor=request.user,
            quiz=quiz,
            category=category,
            count=data["count"],
            points=data["points"],
        )
        return Response(SlotOutput(slot).data, status=status.HTTP_201_CREATED)
