"""``periodize serve``: the app on uvicorn. The CLI calls ``serve`` after checking the
extra (``deps.require_serve``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

# Seconds an idle keep-alive connection stays open. uvicorn's default (5 s) is shorter than
# the pauses of a busy page's clients: a connection closed just as the client reuses it
# fails that request (seen under load as RemoteProtocolError).
KEEP_ALIVE_S = 75


def demo_url() -> str:
    """The demo's own SQLite file, beside (never inside) the user's real store."""
    from periodization.serve.db import default_url

    return default_url().replace("serve.db", "demo.db")


def serve(*, host: str, port: int, db: str | None, model: Path | None, demo: bool,
          say: Callable[[str], None]) -> None:
    """Open (and migrate) the store, seed the demo if asked, serve until Ctrl-C."""
    import uvicorn

    from periodization.serve.app import create_app
    from periodization.serve.demo import seed_demo

    app = create_app(db or (demo_url() if demo else None), model=model)
    ctx = app.state.ctx
    say(f"store: {ctx.engine.url.render_as_string(hide_password=True)}")
    if demo:
        with ctx.writing() as session:
            for line in seed_demo(session):
                say(f"  sign in as {line}")
    say(f"open http://{host}:{port}/  (API docs: http://{host}:{port}/docs; Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning",
                timeout_keep_alive=KEEP_ALIVE_S)
