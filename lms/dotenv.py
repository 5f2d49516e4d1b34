"""The project's `.env` file, read before anything chooses the settings module."""

from pathlib import Path

import environ

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"


def read_dotenv() -> None:
    # Variables already set in the environment win over the file.
    environ.Env.read_env(ENV_FILE, overwrite=False)
