"""Run a pure function over slices of a list in forked worker processes (the import's CPU-bound steps).

``map_slices(fn, data, size, workers)`` yields ``fn(data, start, stop)`` for consecutive slices, in order, with at
most ``workers + 1`` slices computed ahead of the caller (bounded memory however slow the caller is). With
``workers > 1`` the slices run in a ``fork`` pool created *after* ``data`` exists: the workers inherit it (copy on
write), so only the slice bounds go to them and only the results come back. The functions must be pure — they
never touch the parent's database connection — and return picklable values. Without ``fork`` (or with one worker,
or one slice) everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STATE: tuple[Callable[[Any, int, int], Any], Any] | None = None


def default_workers() -> int:
    """``FAIRCOLLECT_IMPORT_WORKERS`` or the CPUs this process may use."""
    env = os.environ.get("FAIRCOLLECT_IMPORT_WORKERS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_slices(fn: Callable[[T, int, int], R], data: T, total: int, size: int, workers: int) -> Iterator[R]:
    bounds = [(start, min(start + size, total)) for start in range(0, total, size)]
    if workers <= 1 or len(bounds) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start, stop in bounds:
            yield fn(data, start, stop)
        return
    global _STATE
    _STATE = (fn, data)
    try:
        ctx = multiprocessing.get_context("fork")
        processes = min(workers, len(bounds))
        with ctx.Pool(processes) as pool:
            # At most ``processes + 1`` slices in flight: the workers stay busy while the caller consumes a result,
            # but never run ahead of a slower caller (``pool.imap`` would queue every result in this process:
            # the whole import's COPY text when the database is the bottleneck).
            todo = iter(bounds)
            pending = deque(pool.apply_async(_run, (b,)) for b in islice(todo, processes + 1))
            while pending:
                result = pending.popleft().get()
                following = next(todo, None)
                if following is not None:
                    pending.append(pool.apply_async(_run, (following,)))
                yield result
    finally:
        _STATE = None


def _run(bounds: tuple[int, int]) -> Any:
    assert _STATE is not None
    fn, data = _STATE
    return fn(data, *bounds)


#: ``start_slices``' function and data, inherited by its forked workers (apart from ``map_slices``' own).
_STARTED: tuple[Callable[[Any, int, int], Any], Any] | None = None


def start_slices(
    fn: Callable[[T, int, int], list[R]], data: T, total: int, size: int, workers: int
) -> Callable[..., list[R]]:
    """Start ``fn`` over every slice of ``data`` in a ``fork`` pool now, and return a function that waits for them
    and gives the results concatenated in order (called with ``cancel=True``: stops the workers, gives nothing). The caller does other work meanwhile (the import reads the payments
    file while the cost-cap checks run); the workers inherit ``data`` as ``map_slices``' do. Every slice is queued
    at once: for small results (a verdict per loan), not for the write's COPY text (``map_slices`` bounds that).
    One worker, one slice or no ``fork``: computed here, at once.
    """
    bounds = [(start, min(start + size, total)) for start in range(0, total, size)]
    if workers <= 1 or len(bounds) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = [r for start, stop in bounds for r in fn(data, start, stop)]
        return lambda cancel=False: [] if cancel else done
    global _STARTED
    _STARTED = (fn, data)
    pool = multiprocessing.get_context("fork").Pool(min(workers, len(bounds)))
    pending = [pool.apply_async(_run_started, (b,)) for b in bounds]

    def collect(cancel: bool = False) -> list[R]:
        global _STARTED
        try:
            return [] if cancel else [r for p in pending for r in p.get()]
        finally:
            pool.terminate()
            pool.join()
            _STARTED = None

    return collect


def _run_started(bounds: tuple[int, int]) -> Any:
    assert _STARTED is not None
    fn, data = _STARTED
    return fn(data, *bounds)
