"""Forms of the question bank's pages. They parse; the bank's services decide what is allowed."""

from django import forms

from .models import MAX_RANDOM_COUNT, Question, QuestionCategory, QuestionTag
from .selectors.bank import CategoryNode

TOP = ""  # the parent choice that means "at the top of the bank"


def _set_choices(form: forms.Form, name: str, choices: list) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # each form here declares it so
    field.choices = choices


def category_choices(nodes: list[CategoryNode], *, blank: str | None = None) -> list[tuple]:
    """The tree flattened for a select, each name indented by its depth."""
    choices: list[tuple] = [(TOP, blank)] if blank is not None else []
    choices += [(str(n.id), "\u2003" * n.depth + n.name) for n in nodes]
    return choices


class BankFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    type = forms.ChoiceField(label="Type", required=False)
    category = forms.ChoiceField(label="Category (with its subcategories)", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)

    def __init__(self, *args, nodes: list[CategoryNode], tags: list[QuestionTag], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _set_choices(self, "type", [("", "Any type"), *Question.Type.choices])
        _set_choices(self, "category", category_choices(nodes, blank="Any category"))
        _set_choices(self, "tag", [("", "Any tag")] + [(str(t.pk), t.name) for t in tags])
        self._categories = {n.id: n.category for n in nodes}
        self._tags = {t.pk: t for t in tags}

    def filters(self) -> dict:
        """What the bank selector takes; a form that does not validate filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "text": data["q"],
            "type": data["type"],
            "category": self._categories.get(int(data["category"])) if data["category"] else None,
            "tag": self._tags.get(int(data["tag"])) if data["tag"] else None,
        }


class CategoryForm(forms.Form):
    """A new category, or where an existing one goes."""

    name = forms.CharField(label="New category", max_length=200)
    parent = forms.ChoiceField(label="Inside", required=False)

    def __init__(self, *args, nodes: list[CategoryNode], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        _set_choices(self, "parent", category_choices(nodes, blank="(the top of the bank)"))
        self._categories = {n.id: n.category for n in nodes}

    def parent_category(self) -> QuestionCategory | None:
        value = self.cleaned_data.get("parent") or TOP
        return self._categories.get(int(value)) if value != TOP else None


class RandomSlotForm(forms.Form):
    category = forms.ChoiceField(label="Category (its subcategories included)")
    count = forms.IntegerField(
        label="Number of questions", min_value=1, max_value=MAX_RANDOM_COUNT, initial=1
    )
    points = forms.DecimalField(
        label="Points each",
        min_value=0,
        decimal_places=2,
        max_digits=6,
        required=False,
        help_text="Empty: each question's own points.",
    )

    def __init__(self, *args, nodes: list[CategoryNode], **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "category", category_choices(nodes))
        self._categories = {n.id: n.category for n in nodes}

    def chosen_category(self) -> QuestionCategory:
        return self._categories[int(self.cleaned_data["category"])]


class BankPlaceForm(forms.Form):
    """Where a new bank question goes."""

    category = forms.ChoiceField(label="Category")

    def __init__(self, *args, nodes: list[CategoryNode], **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self, "category", category_choices(nodes))
        self._categories = {n.id: n.category for n in nodes}

    def chosen_category(self) -> QuestionCategory:
        return self._categories[int(self.cleaned_data["category"])]
