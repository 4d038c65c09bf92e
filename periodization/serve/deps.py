"""The ``serve`` extra: one line naming it when a piece is missing (``periodize serve``
imports this first, so a base install fails cleanly instead of with a traceback)."""

from __future__ import annotations

import importlib

from periodization.core.extras import MissingExtra

# module → distribution to name in the message
NEEDED = {"fastapi": "fastapi", "uvicorn": "uvicorn", "sqlalchemy": "sqlalchemy",
          "alembic": "alembic", "argon2": "argon2-cffi", "platformdirs": "platformdirs",
          "multipart": "python-multipart"}


def require_serve() -> None:
    """Import every module the server needs, or ``MissingExtra`` naming the extra."""
    for module, dist in NEEDED.items():
        try:
            importlib.import_module(module)
        except ImportError:
            raise MissingExtra(f"periodize serve needs {dist}: "
                               "pip install 'periodization[serve]'") from None
