"""Connecting to Ray: a local cluster by default, a running one with ``address``.

Ray is the ``[ray]`` extra, imported only here and inside the tasks; a missing install is
one line naming the extra (``core.extras.require``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from types import ModuleType

from periodization.core.errors import UserError
from periodization.core.extras import require

# Ray's shared-memory object store: results of tasks are small (summaries, one shard's
# advice), so a small store keeps a local cluster from reserving 30 % of the machine.
OBJECT_STORE_BYTES = 256 * 1024**2


def ray_module(purpose: str) -> ModuleType:
    """``import ray``, or ``MissingExtra``: ``PURPOSE needs ray: pip install
    'periodization[ray]'``."""
    return require("ray", purpose=purpose)


def check_workers(workers: int | None) -> None:
    if workers is not None and workers < 1:
        raise UserError(f"--workers must be at least 1, got {workers}")


@contextlib.contextmanager
def connected(*, purpose: str, address: str | None = None, workers: int | None = None
              ) -> Iterator[ModuleType]:
    """Yield the ``ray`` module connected to a cluster for the block.

    A Ray already initialised in this process (a test session's cluster, a notebook's) is
    used as it is and left running. Otherwise ``address`` (``HOST:PORT`` of a ``ray start
    --head``, or ``auto``) joins a running cluster; without it a local cluster of
    ``workers`` CPUs (default: all) starts and is shut down after the block.
    """
    check_workers(workers)
    ray = ray_module(purpose)
    with _cluster_errors_on_stderr():
        if ray.is_initialized():
            yield ray
            return
        yield from _started(ray, address=address, workers=workers)


@contextlib.contextmanager
def _cluster_errors_on_stderr() -> Iterator[None]:
    """Ray's driver prints the cluster's error messages ("A worker died or was killed …")
    to stdout from a background thread, which would corrupt a command's ``--json``
    output; for the block they go to stderr. (A private Ray function: if a Ray version
    lacks it, nothing is changed.)"""
    try:
        from ray._private import worker as ray_worker
    except ImportError:  # pragma: no cover - another Ray layout
        yield
        return
    original = getattr(ray_worker, "print_to_stdstream", None)
    if original is None:  # pragma: no cover
        yield
        return

    def to_stderr(data: dict, ignore_prefix: bool) -> None:
        original({**data, "is_err": True}, ignore_prefix)

    ray_worker.print_to_stdstream = to_stderr
    try:
        yield
    finally:
        ray_worker.print_to_stdstream = original


def _started(ray: ModuleType, *, address: str | None, workers: int | None
             ) -> Iterator[ModuleType]:
    """Start or join a cluster, yield ``ray``, shut it down after."""
    import logging

    # Ray's own INFO lines ("Started a local Ray instance") would drown the command's
    options: dict = {"include_dashboard": False, "log_to_driver": False,
                     "logging_level": logging.WARNING}
    if address is not None:
        options["address"] = address
    else:
        options.update(num_cpus=workers or os.cpu_count() or 1,
                       object_store_memory=OBJECT_STORE_BYTES)
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise UserError(f"cannot start or join a Ray cluster"
                        f"{f' at {address}' if address else ''}: {first}") from None
    try:
        yield ray
    finally:
        ray.shutdown()


def cluster_cpus(ray: ModuleType) -> int:
    """CPUs the connected cluster offers (the default number of parallel tasks)."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def wait_one(ray: ModuleType, refs: list) -> object:
    """The first of ``refs`` to finish. Waits in short slices: a Ctrl-C reaches Python
    between them (one long ``ray.wait`` would hold it until a task ends)."""
    while True:
        ready, _ = ray.wait(refs, num_returns=1, timeout=0.5)
        if ready:
            return ready[0]
