"""The learners of the load benchmark (benchmarks/load.py starts locust with this file).

Each simulated learner takes one seeded account, logs in through the log-in page (the form's
CSRF token, the real password check, django-axes), then, over and over: opens the quiz page,
starts an attempt, opens it, answers every question through the autosave endpoint the page's
htmx uses, submits, and opens the result. LOAD_PLAN names the JSON file load.py writes: the
quiz, the accounts, their password and the answers' form fields.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from locust.exception import StopUser

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
ACCOUNTS = iter(PLAN["usernames"])
QUIZ_ID: int = PLAN["quiz_id"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT = re.compile(r"/attempts/(\d+)/$")


def _token(html: str) -> str:
    found = TOKEN.search(html)
    if found is None:
        raise ValueError("no CSRF token on the page")
    return found.group(1)


class Learner(HttpUser):
    wait_time = between(0.5, 2)  # a learner reads between clicks

    def on_start(self) -> None:
        try:
            self.username: str = next(ACCOUNTS)
        except StopIteration:
            raise StopUser("more simulated learners than seeded accounts") from None
        page = self.client.get("/login/", name="log-in page")
        with self.client.post(
            "/login/",
            {
                "username": self.username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": _token(page.text),
            },
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # The form re-rendered (200) or a lock-out (429) is a failed log-in.
            logged_in = response.status_code == 302 and "sessionid" in self.client.cookies
            if not logged_in:
                response.failure(f"log-in refused ({response.status_code})")
        if not logged_in:
            raise StopUser()

    @task
    def take_quiz(self) -> None:
        quiz_page = self.client.get(f"/quizzes/{QUIZ_ID}/", name="quiz page")
        with self.client.post(
            f"/quizzes/{QUIZ_ID}/start/",
            {"csrfmiddlewaretoken": _token(quiz_page.text)},
            name="start attempt",
            allow_redirects=False,
            catch_response=True,
        ) as started:
            found = ATTEMPT.search(started.headers.get("Location", ""))
            if started.status_code != 302 or found is None:
                started.failure(f"no attempt started ({started.status_code})")
                return
        attempt = f"/attempts/{found.group(1)}/"
        token = _token(self.client.get(attempt, name="attempt page").text)
        for answer in PLAN["answers"]:
            self.client.post(
                f"{attempt}answers/{answer['question_id']}/",
                answer["fields"],
                headers={"X-CSRFToken": token, "HX-Request": "true"},
                name="autosave answer",
            )
        with self.client.post(
            attempt,
            {"csrfmiddlewaretoken": token},
            name="submit",
            allow_redirects=False,
            catch_response=True,
        ) as submitted:
            if submitted.status_code != 302 or "/result/" not in submitted.headers.get(
                "Location", ""
            ):
                submitted.failure(f"not submitted ({submitted.status_code})")
                return
        self.client.get(f"{attempt}result/", name="result page")
