"""The API's request parsers."""

from typing import Any

from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with JSON nested too deeply for Python's decoder refused as bad
    input (a 400 in the error shape) instead of a RecursionError, a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError("The JSON is nested too deeply.") from error


# Every API view's parsers (the token view sets its own: it lists these too).
API_PARSERS = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
