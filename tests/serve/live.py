"""A live server for the browser tests and benchmarks: uvicorn in a background thread on
a free localhost port, stopped on exit."""

from __future__ import annotations

import socket
import threading
import time


class LiveServer:
    """``with LiveServer(app) as base_url:`` a running server at ``http://127.0.0.1:PORT``."""

    def __init__(self, app, *, workers_threads: int | None = None) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off", timeout_keep_alive=75)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
