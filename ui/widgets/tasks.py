"""Background work for the GUI on a QThreadPool.

Contract: the job runs on a worker thread and never touches widgets; it may
report progress through the callback it receives. ``finished`` and
``failed`` are delivered on the main thread (queued signals), so slots
connected to them may update widgets. Cancellation is cooperative: the job
checks ``token.cancelled``.

A screen keeps ``runner.bound(self)``: the results of its jobs are then
dropped once the screen is gone (closed window, another database opened)
instead of reaching a deleted widget.

A job that only reads says so (``reads=True``); any other job is taken to write.
A read may refresh a cache in one transaction of its own (the dashboard's roll-up
cells): interrupted, the database rolls it back and the cache stays marked stale.
Quitting (:meth:`TaskRunner.shutdown`) must not wait for reads nor abandon a write:
queued reads are dropped, the running one is stopped (its token cancelled and the
database told to interrupt it), while writes, running or queued, are left to
finish; nothing is delivered any more and no new job starts.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QObject, QRunnable, QThreadPool, Signal
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
    """One job; create it with :meth:`TaskRunner.run`."""

    def __init__(
        self,
        job: Callable[[Callable[[int, int], None], CancelToken], Any],
        token: CancelToken,
        *,
        reads: bool = False,
        doing: str = "",
    ) -> None:
        super().__init__()
        self.signals = TaskSignals()
        self.token = token
        #: The job only reads: quitting stops it instead of waiting for it.
        self.reads = reads
        #: What a writing job does, translated, for the notice shown while quitting waits.
        self.doing = doing
        #: Set on the worker thread when the job starts (a plain flag, read on the GUI thread).
        self.started = False
        self._job = job
        self.setAutoDelete(False)

    def run(self) -> None:
        self.started = True
        try:
            result = self._job(self.signals.progress.emit, self.token)
        except Exception as exc:
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskRunner(QObject):
    """Owns the pool and keeps running tasks alive until they report."""

    #: Emitted on the main thread once no writing job is left after :meth:`shutdown`.
    writes_done = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # database work is serialised, like Anki
        self._running: set[Task] = set()
        self._closed = False
        self._interrupt: Callable[[], None] | None = None

    def run(
        self,
        job: Callable[[Callable[[int, int], None], CancelToken], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Callable[[int, int], None] | None = None,
        *,
        reads: bool = False,
        doing: str = "",
        on_dropped: Callable[[Any], None] | None = None,
    ) -> Task:
        """Queue ``job``; ``reads=True`` when it changes nothing (see the module docstring),
        ``doing`` names what a writing job does. After :meth:`shutdown` the job never
        starts and its callbacks are never called; a result that arrives after it goes
        to ``on_dropped`` instead, which releases what it holds (an opened database)."""
        task = Task(job, CancelToken(), reads=reads, doing=doing)
        if self._closed:
            task.token.cancel()
            return task
        task.signals.finished.connect(self._open_only(on_done, dropped=on_dropped))
        task.signals.failed.connect(self._open_only(on_error, task=task))
        if on_progress is not None:
            task.signals.progress.connect(self._open_only(on_progress))
        task.signals.finished.connect(lambda _result: self._forget(task))
        task.signals.failed.connect(lambda _error: self._forget(task))
        self._running.add(task)
        self._pool.start(task)
        return task

    def _open_only(
        self,
        callback: Callable[..., None],
        *,
        task: Task | None = None,
        dropped: Callable[[Any], None] | None = None,
    ) -> Callable[..., None]:
        """``callback``, called only until :meth:`shutdown` (the screens are going); a
        result after it goes to ``dropped``, a writing ``task``'s failure to the log."""

        def deliver(*args: Any) -> None:
            if not self._closed:
                callback(*args)
            elif dropped is not None:
                dropped(*args)
            elif task is not None and not task.reads:
                logging.getLogger(__name__).error(
                    "a background job failed while quitting: %s\n%s",
                    args[0],
                    getattr(args[0], "__traceback_text__", ""),
                )

        return deliver

    def _forget(self, task: Task) -> None:
        self._running.discard(task)
        if self._closed and not self.writing():
            self.writes_done.emit()

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def busy(self) -> bool:
        return bool(self._running)

    # --- quitting -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`shutdown` ran: no job starts and nothing is delivered."""
        return self._closed

    def shutdown(self, interrupt: Callable[[], None] | None = None) -> None:
        """Stop for good, for quitting: queued reads are dropped, every job's token is
        cancelled (a job that checks it stops at its next safe point), and when the
        job on the worker only reads, ``interrupt`` (the database's: it aborts the
        statement under way) is called; see :meth:`finish`. Writes still run to
        their end: :meth:`writing` lists them, ``writes_done`` says when none is left.
        """
        self._closed = True
        self._interrupt = interrupt
        for task in list(self._running):
            task.token.cancel()
            if task.reads and self._pool.tryTake(task):  # queued: never starts
                self._running.discard(task)
        self._stop_reads()

    def _stop_reads(self) -> None:
        # Only while no write is left: a queued write could start on the worker between
        # the check and the interrupt, and must never be interrupted.
        if self._interrupt is None or self.writing():
            return
        if any(task.reads and task.started for task in self._running):
            self._interrupt()

    def writing(self) -> list[Task]:
        """The writing jobs not yet done (running or queued)."""
        return [task for task in self._running if not task.reads]

    def finish(self, msecs: int) -> bool:
        """After :meth:`shutdown`, wait up to ``msecs`` for the worker to be done and
        its thread gone; a read still running is interrupted again while waiting (an
        interrupt that came between two of its statements did not stop it). True when
        every job ended, False when the time ran out."""
        deadline = QDeadlineTimer(msecs)
        while not self._pool.waitForDone(min(20, max(deadline.remainingTime(), 0))):
            if deadline.hasExpired():
                return False
            self._stop_reads()
        return True

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
        *,
        reads: bool = False,
        doing: str = "",
        on_dropped: Callable[[Any], None] | None = None,
    ) -> Task:
        return self._runner.run(
            job,
            self._guard(on_done),
            self._guard(on_error),
            self._guard(on_progress) if on_progress is not None else None,
            reads=reads,
            doing=doing,
            on_dropped=on_dropped,
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
