"""A learner's answer checked against its question's type before anything stores it."""

from lms.errors import ApplicationError
from quizzes.models import AttemptQuestion, Question
from quizzes.scoring import parse_number

MAX_SHORT_ANSWER = 500


MAX_ESSAY = 20_000


RESPONSE_SHAPES: dict[str, str] = {
    Question.Type.SINGLE_CHOICE: '{"choice_ids": [id]}',
    Question.Type.MULTIPLE_RESPONSE: '{"choice_ids": [id, ...]}',
    Question.Type.TRUE_FALSE: '{"choice_ids": [id]}',
    Question.Type.SHORT_ANSWER: '{"text": "..."}',
    Question.Type.NUMERICAL: '{"value": "12.5"}',
    Question.Type.MATCHING: '{"matches": {"<prompt id>": <option id>, ...}}',
    Question.Type.ESSAY: '{"text": "..."}',
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bad_shape(item: AttemptQuestion, message: str | None = None) -> ApplicationError:
    shape = RESPONSE_SHAPES.get(item.question.type, "")
    return ApplicationError(
        message or f"A response to this question is an object {shape}.",
        code="invalid_response",
        details={"question_id": item.question_id},
    )


def _validate_choices(item: AttemptQuestion, response: object) -> dict[str, object]:
    if not isinstance(response, dict) or set(response) != {"choice_ids"}:
        raise _bad_shape(item)
    ids = response["choice_ids"]
    if not isinstance(ids, list) or not all(_is_int(i) for i in ids):
        raise _bad_shape(item, "choice_ids must be a list of choice ids.")
    ids = list(dict.fromkeys(ids))
    unknown = [i for i in ids if i not in item.choice_order]
    if unknown:
        raise ApplicationError(
            "Those choices do not belong to this question.",
            code="invalid_choice",
            details={"question_id": item.question_id, "choice_ids": unknown},
        )
    if item.question.type != Question.Type.MULTIPLE_RESPONSE and len(ids) > 1:
        raise _bad_shape(item, "Choose one answer only.")
    return {"choice_ids": ids}


def _validate_text(item: AttemptQuestion, response: object, limit: int) -> dict[str, object]:
    if not isinstance(response, dict) or set(response) != {"text"}:
        raise _bad_shape(item)
    text = response["text"]
    if not isinstance(text, str):
        raise _bad_shape(item, "text must be a string.")
    if len(text) > limit:
        raise ApplicationError(
            f"An answer here is at most {limit:,} characters long.",
            code="response_too_long",
            details={"question_id": item.question_id, "max_length": limit},
        )
    return {"text": text}


def _validate_number(item: AttemptQuestion, response: object) -> dict[str, object]:
    if not isinstance(response, dict) or set(response) != {"value"}:
        raise _bad_shape(item)
    number = parse_number(response["value"])
    if number is None:
        raise ApplicationError(
            "That is not a number. Use digits with a point for decimals, e.g. 12.5.",
            code="invalid_number",
            details={"question_id": item.question_id},
        )
    return {"value": str(number)}


def _validate_matches(item: AttemptQuestion, response: object) -> dict[str, object]:
    if not isinstance(response, dict) or set(response) != {"matches"}:
        raise _bad_shape(item)
    matches = response["matches"]
    if not isinstance(matches, dict):
        raise _bad_shape(item, "matches must be an object from prompt id to option id.")
    pairs: dict[int, int] = {}
    for key, option in matches.items():
        prompt = int(key) if isinstance(key, str) and key.isdigit() else key
        if not _is_int(prompt) or not (option is None or _is_int(option)):
            raise _bad_shape(item, "matches must be an object from prompt id to option id.")
        if prompt not in item.choice_order or (
            option is not None and not 1 <= option <= len(item.options)
        ):
            raise ApplicationError(
                "That prompt or answer is not part of this question.",
                code="invalid_option",
                details={"question_id": item.question_id, "prompt_id": prompt, "option": option},
            )
        if option is not None:
            pairs[prompt] = option
    return {"matches": {str(p): o for p, o in pairs.items()}}


def validate_response(item: AttemptQuestion, response: object) -> dict[str, object]:
    """A response in canonical form for the item's type, or a clear error."""
    question_type = item.question.type
    if question_type in Question.CHOICE_TYPES:
        return _validate_choices(item, response)
    if question_type == Question.Type.SHORT_ANSWER:
        return _validate_text(item, response, MAX_SHORT_ANSWER)
    if question_type == Question.Type.ESSAY:
        return _validate_text(item, response, MAX_ESSAY)
    if question_type == Question.Type.NUMERICAL:
        return _validate_number(item, response)
    if question_type == Question.Type.MATCHING:
        return _validate_matches(item, response)
    raise ApplicationError(
        "This item is text to read; it takes no answer.",
        code="invalid_response",
        details={"question_id": item.question_id},
    )
