"""The images a lesson's Markdown may show: only the course's own uploads, at our URL.

`render_markdown` (courses.models) sanitises with nh3 and these options, then drops every
`<img>` whose source is not one of ours: no remote image (a tracking pixel, a picture that
changes after review) and no `data:` URI reaches a learner's page.
"""

import re
from typing import Any

import nh3

# The URL at which courses.teach_views.lesson_image serves an upload (lms.urls mounts the site
# at the root); the sanitiser keeps an image only with a source of exactly this form.
LESSON_IMAGE_URL = "/lesson-images/{id}/"
_OUR_IMAGE = re.compile(r"/lesson-images/[0-9]+/")

LESSON_IMAGE_CLEAN_OPTIONS: dict[str, Any] = {
    "tags": nh3.ALLOWED_TAGS,
    "attributes": {**nh3.ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}},
    "attribute_filter": lambda tag, name, value: (
        None if tag == "img" and name == "src" and not _OUR_IMAGE.fullmatch(value) else value
    ),
    "set_tag_attribute_values": {"img": {"loading": "lazy"}},
}

# nh3's output quotes every attribute value with " and escapes ", < and > inside it, so an
# element is `<img` and name="value" pairs up to `>`.
_IMG = re.compile(r'<img(?:\s+[a-z-]+="[^"]*")*\s*/?>')


def keep_only_lesson_images(html: str) -> str:
    """Sanitised HTML without the images whose source the filter took away."""
    return _IMG.sub(lambda m: m.group(0) if ' src="' in m.group(0) else "", html)


def lesson_image_url(image_id: int) -> str:
    return LESSON_IMAGE_URL.format(id=image_id)


def image_markdown(*, alt_text: str, image_id: int) -> str:
    """The Markdown that shows an upload with its alt text (brackets escaped, one line)."""
    alt = " ".join(alt_text.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}]({lesson_image_url(image_id)})"
