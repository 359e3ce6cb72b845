"""Background work for the GUI on a QThreadPool.

Contract: the job runs on a worker thread and never touches widgets; it may
report progress through the callback it receives. ``finished`` and
``failed`` are delivered on the main thread (queued signals), so slots
connected to them may update widgets. Cancellation is cooperative: the job
checks ``token.cancelled``.

A screen keeps ``runner.bound(self)``: the results of its jobs are then
dropped once the screen is gone (closed window, another database opened)
instead of reaching a deleted widget.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QProgressBar
from shiboken6 import isValid


@dataclass
class CancelToken:
    cancelled: bool = field(default=False)

    def cancel(self) -> None:
        self.cancelled = True


class TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(object)  # the exception
    progress = Signal(int, int)  # done, total


class Task(QRunnable):
    """One job; create it with :func:`run_task`."""

    def __init__(
        self, job: Callable[[Callable[[int, int], None], CancelToken], Any], token: CancelToken
    ) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self.token = token
        self._job = job
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self._job(self.signals.progress.emit, self.token)
        except Exception as exc:
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Owns the pool and keeps running tasks alive until they report."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # database work is serialised, like Anki
        self._running: set[Task] = set()

    def run(
        self,
        job: Callable[[Callable[[int, int], None], CancelToken], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Task:
        task = Task(job, CancelToken())
        task.signals.finished.connect(on_done)
        task.signals.failed.connect(on_error)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        task.signals.finished.connect(lambda _result: self._running.discard(task))
        task.signals.failed.connect(lambda _error: self._running.discard(task))
        self._running.add(task)
        self._pool.start(task)
        return task

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def busy(self) -> bool:
        return bool(self._running)

    def bound(self, owner: QObject) -> BoundRunner:
        """This runner, delivering results only while ``owner`` exists."""
        return BoundRunner(self, owner)


class BoundRunner:
    """A :class:`TaskRunner` seen from one screen: callbacks stop with the screen."""

    def __init__(self, runner: TaskRunner, owner: QObject) -> None:
        self._runner = runner
        self._owner = owner

    def _guard(self, callback: Callable[..., None]) -> Callable[..., None]:
        owner = self._owner

        def deliver(*args: Any) -> None:
            if isValid(owner):
                callback(*args)

        return deliver

    def run(
        self,
        job: Callable[[Callable[[int, int], None], CancelToken], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Task:
        return self._runner.run(
            job,
            self._guard(on_done),
            self._guard(on_error),
            self._guard(on_progress) if on_progress is not None else None,
        )

    def wait(self, msecs: int = 30000) -> bool:
        return self._runner.wait(msecs)

    def busy(self) -> bool:
        return self._runner.busy()

    def bound(self, owner: QObject) -> BoundRunner:
        return BoundRunner(self._runner, owner)


def show_count(bar: QProgressBar, done: int, total: int) -> None:
    """A task's progress on ``bar``: filled to ``done`` of ``total``, reading "done / total"."""
    bar.setRange(0, max(total, 1))
    bar.setValue(done)
    bar.setFormat(f"{done} / {total}")


#: What a screen receives: the window's runner, or one bound to an enclosing screen.
Runner = TaskRunner | BoundRunner
