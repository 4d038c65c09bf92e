"""``periodize serve``: the app on uvicorn. The CLI calls ``serve`` after checking the
extra (``deps.require_serve``).

``--workers N`` (N > 1) runs N server processes on one port (uvicorn's supervisor). Each
builds its own app from ``worker_app`` (an app factory: uvicorn imports it by name in
every process), with the store URL and model in the environment. The parent migrates the
store and seeds the demo first, so the workers only open it. What the processes must
agree on is in the store (sign-in failures, cached advice, data revisions); what each
keeps in memory is only a cache keyed by the data revision.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

# Seconds an idle keep-alive connection stays open. uvicorn's default (5 s) is shorter than
# the pauses of a busy page's clients: a connection closed just as the client reuses it
# fails that request (seen under load as RemoteProtocolError).
KEEP_ALIVE_S = 75
ENV_DB, ENV_MODEL = "PERIODIZATION_SERVE_DB", "PERIODIZATION_SERVE_MODEL"


def demo_url() -> str:
    """The demo's own SQLite file, beside (never inside) the user's real store."""
    from periodization.serve.db import default_url

    return default_url().replace("serve.db", "demo.db")


def worker_app():
    """The app of one worker process (``uvicorn --factory``): store and model from
    ``PERIODIZATION_SERVE_DB`` / ``PERIODIZATION_SERVE_MODEL``."""
    from periodization.serve.app import create_app

    app = create_app(os.environ[ENV_DB], model=os.environ.get(ENV_MODEL) or None)
    _warm()
    return app


def _warm() -> None:
    """Load the advice kernels (numba's cache) before the first request, not during it
    (a second or two; longer when nothing is cached yet)."""
    from periodization.advice.warmup import warm_up

    warm_up()


def serve(*, host: str, port: int, db: str | None, model: Path | None, demo: bool,
          say: Callable[[str], None], workers: int = 1) -> None:
    """Open (and migrate) the store, seed the demo if asked, serve until Ctrl-C."""
    import uvicorn

    from periodization.serve.app import create_app
    from periodization.serve.demo import seed_demo

    url = db or (demo_url() if demo else None)
    app = create_app(url, model=model, precompute=workers == 1)
    ctx = app.state.ctx
    say(f"store: {ctx.engine.url.render_as_string(hide_password=True)}")
    if demo:
        with ctx.writing() as session:
            for line in seed_demo(session):
                say(f"  sign in as {line}")
    say(f"open http://{host}:{port}/  (API docs: http://{host}:{port}/docs; Ctrl-C stops)"
        + (f"; {workers} worker processes" if workers > 1 else ""))
    options = {"host": host, "port": port, "log_level": "warning",
               "timeout_keep_alive": KEEP_ALIVE_S}
    if workers == 1:
        _warm()
        uvicorn.run(app, **options)
        return
    os.environ[ENV_DB] = ctx.engine.url.render_as_string(hide_password=False)
    if model is not None:
        os.environ[ENV_MODEL] = str(Path(model).resolve())
    ctx.engine.dispose()  # the workers open their own connections
    del app, ctx
    uvicorn.run("periodization.serve.run:worker_app", factory=True, workers=workers,
                **options)
