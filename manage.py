#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explainer.settings")
    # The web server's 10 s bound on a statement is not for migrations and loads.
    os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")
    try:
        from django.core.management import execute_from_command_line
    except ImportError:
        run_in_the_virtual_environment()
    execute_from_command_line(sys.argv)


def run_in_the_virtual_environment():
    """Started by a Python without Django (python3 manage.py ...): run again with the
    project's .venv, or say how to make one. Does not return."""
    venv = VENV_PYTHON.parent.parent
    if VENV_PYTHON.exists() and Path(sys.prefix).resolve() != venv.resolve():
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606 - our .venv
    problem = f"{venv} has no Django either" if venv.exists() else f"there is no {venv}"
    sys.exit(
        f"manage.py: Django is not installed for {sys.executable}, and {problem}.\n"
        "Run ./dev serve (it creates .venv and installs the pinned packages), or "
        "./dev test; then use .venv/bin/python manage.py ..."
    )


if __name__ == "__main__":
    main()
