"""Forms of the instructor pages. They parse; the services decide what is allowed."""

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django import forms

from .models import Question, Quiz

if TYPE_CHECKING:
    from accounts.models import User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class QuizSettingsForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "title",
            "intro",
            "pass_mark_percent",
            "attempts_allowed",
            "delay_minutes",
            "grading_method",
            "time_limit_minutes",
            "opens_at",
            "closes_at",
            "shuffle_questions",
            "shuffle_choices",
            "review_correctness",
            "review_score",
            "review_feedback",
            "review_right_answers",
        ]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "intro": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "pass_mark_percent": "Pass mark (%)",
            "delay_minutes": "Minutes between attempts",
            "time_limit_minutes": "Time limit (minutes)",
            "opens_at": "Opens (UTC)",
            "closes_at": "Closes (UTC)",
            "review_correctness": "Whether each answer was right",
            "review_score": "Scores",
            "review_feedback": "Feedback",
            "review_right_answers": "The right answers",
        }

    REVIEW_FIELDS = (
        "review_correctness",
        "review_score",
        "review_feedback",
        "review_right_answers",
    )


class FeedbackBandForm(forms.Form):
    min_percent = forms.DecimalField(
        label="From (%)", min_value=0, max_value=100, decimal_places=2, required=False
    )
    text = forms.CharField(
        label="Feedback text", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


FeedbackBandFormSet = forms.formset_factory(FeedbackBandForm, extra=0)


class QuestionForm(forms.Form):
    name = forms.CharField(
        max_length=200, required=False, help_text="For the question bank; empty: from the text."
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown.")
    general_feedback = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown in review to everyone, whatever they answered.",
    )
    default_points = forms.DecimalField(
        label="Points", min_value=0, decimal_places=2, initial=Decimal("1")
    )
    case_sensitive = forms.BooleanField(required=False, label="Case must match (short answer)")


FRACTION_HELP = "1 = all the points, 0.5 = half, 0 = none, negative = a penalty."


class ChoiceAnswerForm(forms.Form):
    text = forms.CharField(label="Choice", required=False)
    fraction = forms.DecimalField(
        label="Fraction", min_value=-1, max_value=1, decimal_places=5, required=False
    )
    feedback = forms.CharField(label="Feedback", required=False)

    def answer(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        return {
            "text": data["text"],
            "fraction": data.get("fraction") or 0,
            "feedback": data.get("feedback", ""),
        }


class ShortAnswerForm(ChoiceAnswerForm):
    text = forms.CharField(label="Accepted answer (* is a wildcard)", required=False)
    fraction = forms.DecimalField(
        label="Fraction", min_value=0, max_value=1, decimal_places=5, required=False
    )


class NumericalAnswerForm(forms.Form):
    value = forms.DecimalField(label="Value", required=False)
    tolerance = forms.DecimalField(label="± tolerance", min_value=0, required=False)
    range_min = forms.DecimalField(label="or from", required=False)
    range_max = forms.DecimalField(label="to", required=False)
    fraction = forms.DecimalField(
        label="Fraction", min_value=0, max_value=1, decimal_places=5, required=False
    )
    feedback = forms.CharField(label="Feedback", required=False)

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        has_value = data.get("value") is not None
        has_range = data.get("range_min") is not None or data.get("range_max") is not None
        if has_value and has_range:
            raise forms.ValidationError("Give a value with its tolerance, or a range, not both.")
        if has_range and (data.get("range_min") is None or data.get("range_max") is None):
            raise forms.ValidationError("A range needs both ends.")
        return data

    def answer(self) -> dict | None:
        data = self.cleaned_data
        if data.get("value") is not None:
            tolerance = data.get("tolerance") or Decimal("0")
            low, high = data["value"] - tolerance, data["value"] + tolerance
        elif data.get("range_min") is not None:
            low, high = data["range_min"], data["range_max"]
        else:
            return None
        return {
            "value_min": low,
            "value_max": high,
            "fraction": data.get("fraction") or 0,
            "feedback": data.get("feedback", ""),
        }

    @staticmethod
    def initial_for(choice) -> dict:
        if choice.value_min == choice.value_max:
            value = {"value": choice.value_min.normalize()}
        else:
            value = {
                "range_min": choice.value_min.normalize(),
                "range_max": choice.value_max.normalize(),
            }
        return {**value, "fraction": choice.fraction.normalize(), "feedback": choice.feedback}


class MatchingAnswerForm(forms.Form):
    text = forms.CharField(label="Prompt (empty: a distractor)", required=False)
    match_text = forms.CharField(label="Its answer", required=False, max_length=500)
    feedback = forms.CharField(label="Feedback", required=False)

    def answer(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("match_text", "").strip() and not data.get("text", "").strip():
            return None
        return {
            "text": data.get("text", ""),
            "match_text": data.get("match_text", ""),
            "feedback": data.get("feedback", ""),
        }


class TrueFalseForm(forms.Form):
    right = forms.TypedChoiceField(
        label="The statement is",
        choices=[("true", "True"), ("false", "False")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "true",
    )
    feedback_true = forms.CharField(label="Feedback for “True”", required=False)
    feedback_false = forms.CharField(label="Feedback for “False”", required=False)

    def answers(self) -> list[dict]:
        right = self.cleaned_data["right"]
        return [
            {
                "text": "True",
                "fraction": 1 if right else 0,
                "feedback": self.cleaned_data["feedback_true"],
            },
            {
                "text": "False",
                "fraction": 0 if right else 1,
                "feedback": self.cleaned_data["feedback_false"],
            },
        ]


ANSWER_FORMS: dict[str, type[forms.Form]] = {
    Question.Type.SINGLE_CHOICE: ChoiceAnswerForm,
    Question.Type.MULTIPLE_RESPONSE: ChoiceAnswerForm,
    Question.Type.SHORT_ANSWER: ShortAnswerForm,
    Question.Type.NUMERICAL: NumericalAnswerForm,
    Question.Type.MATCHING: MatchingAnswerForm,
}
ANSWER_ROWS = 5


def answer_formset(question_type: str, *, data=None, initial=None):
    form = ANSWER_FORMS.get(question_type)
    if form is None:
        return None
    initial = initial or []
    extra = max(ANSWER_ROWS - len(initial), 2)
    formset = forms.formset_factory(form, extra=extra)
    return formset(data=data, initial=initial, prefix="answers")


class OverrideForm(forms.Form):
    user: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(queryset=None, label="Learner")
    time_limit_minutes = forms.IntegerField(
        label="Time limit (minutes)", min_value=0, required=False, help_text="0: no time limit."
    )
    attempts_allowed = forms.IntegerField(
        label="Attempts allowed", min_value=0, required=False, help_text="0: unlimited."
    )
    opens_at = forms.DateTimeField(label="Opens (UTC)", required=False, widget=DATETIME)
    closes_at = forms.DateTimeField(label="Closes (UTC)", required=False, widget=DATETIME)

    def __init__(self, *args, learners, **kwargs):
        super().__init__(*args, **kwargs)
        user_field = cast("forms.ModelChoiceField[User]", self.fields["user"])  # as declared
        user_field.queryset = learners
        user_field.label_from_instance = lambda obj: f"{obj.get_full_name()} ({obj.username})"  # type: ignore[method-assign]  # Django's way: the instance's own label_from_instance


class EssayGradeForm(forms.Form):
    score = forms.DecimalField(label="Score", min_value=0, decimal_places=2)
    comment = forms.CharField(
        label="Comment to the learner", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
