"""The question bank's reads: the category tree, searching and filtering questions, where a
question is used, and the questions a random slot may draw."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from courses.models import Course
from quizzes.models import AttemptQuestion, Question, QuestionCategory, QuestionTag, QuizSlot


@dataclass
class CategoryNode:
    """A category with its subcategories, as the bank's tree shows it."""

    category: QuestionCategory
    depth: int
    question_count: int  # current questions in this category itself
    children: list["CategoryNode"] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.category.pk

    @property
    def name(self) -> str:
        return self.category.name

    @property
    def parent_value(self) -> str:
        """The parent's id as a form sends it ("" at the top)."""
        return str(self.category.parent_id or "")


def course_categories(*, course: Course) -> list[QuestionCategory]:
    return list(
        QuestionCategory.objects.filter(course=course)
        .annotate(
            current_count=Count("questions", filter=Q(questions__is_current=True), distinct=True)
        )
        .order_by("name", "id")
    )


def category_tree(*, course: Course) -> list[CategoryNode]:
    """The course's categories as a tree: top-level ones first, children by name (one query)."""
    categories = course_categories(course=course)
    nodes = {
        c.pk: CategoryNode(category=c, depth=0, question_count=getattr(c, "current_count", 0))
        for c in categories
    }
    roots: list[CategoryNode] = []
    for category in categories:
        node = nodes[category.pk]
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(node)

    def set_depth(branch: list[CategoryNode], depth: int) -> None:
        for node in branch:
            node.depth = depth
            set_depth(node.children, depth + 1)

    set_depth(roots, 0)
    return roots


def tree_flat(tree: list[CategoryNode]) -> list[CategoryNode]:
    """The tree in reading order (each category followed by its subcategories)."""
    flat: list[CategoryNode] = []
    for node in tree:
        flat.append(node)
        flat.extend(tree_flat(node.children))
    return flat


def category_paths(tree: list[CategoryNode]) -> dict[int, str]:
    """Each category's “Top / Middle / This”, by id, from a tree already read."""
    paths: dict[int, str] = {}

    def walk(branch: list[CategoryNode], above: str) -> None:
        for node in branch:
            paths[node.id] = f"{above} / {node.name}" if above else node.name
            walk(node.children, paths[node.id])

    walk(tree, "")
    return paths


def category_subtree_ids(*, category: QuestionCategory) -> set[int]:
    """The category's id and every subcategory's, however deep (one query)."""
    children: dict[int, list[int]] = {}
    for pk, parent_id in QuestionCategory.objects.filter(course_id=category.course_id).values_list(
        "id", "parent_id"
    ):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    found, waiting = set(), [category.pk]
    while waiting:
        pk = waiting.pop()
        if pk not in found:
            found.add(pk)
            waiting.extend(children.get(pk, []))
    return found


def bank_questions(
    *,
    course: Course,
    text: str = "",
    type: str = "",
    category: QuestionCategory | None = None,
    tag: QuestionTag | None = None,
) -> QuerySet[Question]:
    """The course's current questions: `text` searched in the name and text, a type, a
    category with its subcategories, a tag. Empty filters filter nothing."""
    questions = Question.objects.filter(category__course=course, is_current=True)
    words = text.split()
    for word in words:
        questions = questions.filter(Q(name__icontains=word) | Q(text__icontains=word))
    if type:
        questions = questions.filter(type=type)
    if category is not None:
        questions = questions.filter(category_id__in=category_subtree_ids(category=category))
    if tag is not None:
        questions = questions.filter(tags=tag)
    return (
        questions.select_related("category")
        .prefetch_related(Prefetch("tags", queryset=QuestionTag.objects.order_by("name")))
        .order_by("category__name", "name", "id")
    )


@dataclass(frozen=True)
class QuestionUse:
    """A quiz that asks the question: in a fixed slot, or maybe drawn by a random one."""

    quiz_id: int
    quiz_title: str
    module_title: str
    position: int
    random: bool


def question_uses(*, question: Question) -> list[QuestionUse]:
    """Where the question is used: quizzes whose fixed slots hold it, and quizzes whose random
    slots may draw it (its category, or one above it)."""
    return questions_uses(questions=[question]).get(question.pk, [])


def questions_uses(*, questions: list[Question]) -> dict[int, list[QuestionUse]]:
    """Where each question is used, by question id (three queries for a page of them)."""
    if not questions:
        return {}
    course_id = questions[0].category.course_id
    parents = dict(
        QuestionCategory.objects.filter(course_id=course_id).values_list("id", "parent_id")
    )
    slots = (
        QuizSlot.objects.filter(Q(question__in=questions) | Q(random_category__course_id=course_id))
        .select_related("quiz__module")
        .order_by("quiz__module__position", "quiz_id", "position")
    )
    uses: dict[int, list[QuestionUse]] = {q.pk: [] for q in questions}
    for slot in slots:
        use = QuestionUse(
            quiz_id=slot.quiz_id,
            quiz_title=slot.quiz.title,
            module_title=slot.quiz.module.title,
            position=slot.position,
            random=slot.question_id is None,
        )
        if slot.question_id is not None:
            if slot.question_id in uses:
                uses[slot.question_id].append(use)
            continue
        for question in questions:
            drawable = question.type != Question.Type.DESCRIPTION
            if drawable and slot.random_category_id in _ancestors(parents, question.category_id):
                uses[question.pk].append(use)
    return uses


def _ancestors(parents: Mapping[int, int | None], category_id: int) -> set[int]:
    """The category's id and those of the categories above it."""
    found: set[int] = set()
    pk: int | None = category_id
    while pk is not None and pk not in found:
        found.add(pk)
        pk = parents.get(pk)
    return found


def question_is_asked(*, question: Question) -> bool:
    """Has any learner's attempt (in progress, submitted or graded) been given this row?
    Such a row is kept as it is: an edit makes a new version."""
    return AttemptQuestion.objects.filter(question=question).exists()


def draw_pool(*, category: QuestionCategory) -> QuerySet[Question]:
    """What a random slot may draw from `category`: the current questions of it and its
    subcategories, descriptions left out (they carry no points, and read as context for the
    questions around them)."""
    return (
        Question.objects.filter(
            category_id__in=category_subtree_ids(category=category), is_current=True
        )
        .exclude(type=Question.Type.DESCRIPTION)
        .order_by("id")
    )


@dataclass(frozen=True)
class SlotShortfall:
    """A random slot whose category no longer has enough questions for its count."""

    slot_id: int
    position: int
    category: str
    wanted: int
    available: int


def random_slot_shortfalls(*, slots: list[QuizSlot]) -> list[SlotShortfall]:
    """The random slots that cannot draw their count (the quiz's fixed questions are never
    drawn again): what the builder warns the instructor about before a learner hits it."""
    fixed = {s.question_id for s in slots if s.question_id is not None}
    found = []
    for slot in slots:
        if slot.random_category is None:
            continue
        available = draw_pool(category=slot.random_category).exclude(id__in=fixed).count()
        if available < slot.random_count:
            found.append(
                SlotShortfall(
                    slot_id=slot.pk,
                    position=slot.position,
                    category=slot.random_category.name,
                    wanted=slot.random_count,
                    available=available,
                )
            )
    return found


def category_path(*, category: QuestionCategory) -> str:
    """“Top / Middle / This”, for labels where the tree is not shown."""
    parents = {
        pk: (name, parent_id)
        for pk, name, parent_id in QuestionCategory.objects.filter(
            course_id=category.course_id
        ).values_list("id", "name", "parent_id")
    }
    names: list[str] = []
    pk: int | None = category.pk
    while pk is not None and pk in parents and len(names) <= len(parents):
        name, pk = parents[pk]
        names.append(name)
    return " / ".join(reversed(names))


def course_tags(*, course: Course) -> QuerySet[QuestionTag]:
    return QuestionTag.objects.filter(course=course).order_by("name")
