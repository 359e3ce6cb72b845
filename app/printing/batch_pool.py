"""Printing a batch on every core: its documents shared out to worker processes.

The jobs are cut into runs of consecutive documents; each worker lays its runs out
(:mod:`app.printing.batch_layout`) into a temporary PDF of its own, or straight into
the folder of one file per unit. The pieces of a single file are then joined, in
order, into the output (:mod:`app.printing.pdf_join`, their objects copied as bytes;
written whole, :func:`app.core.files.write_atomically`).

The workers are started (:class:`Workers`) as soon as the batch's size is known, before
its units are read: each loads the printing code and the fonts meanwhile. They are
started with ``spawn`` (as on Windows, and under PyInstaller, where the
programs' entry points call :func:`multiprocessing.freeze_support`). They count the
documents they finish in a shared counter (the progress) and stop at the next
document once the shared cancel event is set: a cancelled single file leaves no
file behind; cancelled separate files keep those already finished.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path

from app.core.errors import N_, UserError
from app.core.files import write_atomically
from app.core.text import nfc
from app.printing.batch_layout import Cancelled, PrintJob, each_pdf, single_pdf
from app.printing.fonts import register_fonts
from app.printing.pdf_join import UnexpectedPdf, join_pieces

#: Below this many documents a batch is laid out in this process: starting a worker
#: (importing the printing code, loading the fonts) costs about as much as ~50 forms.
MIN_POOLED = 100
#: The most documents in one worker's run (runs are smaller when there are few
#: documents, so that every worker gets some).
RUN_SIZE = 50
#: How often (seconds) the progress and ``cancelled()`` are looked at while waiting.
POLL = 0.1

_cancel: Event | None = None
_done: Synchronized[int] | None = None


def usable_cores() -> int:
    """The processors this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def workers_for(total: int, workers: int | None) -> int:
    """How many worker processes a batch of ``total`` documents gets (1: none, laid out
    in this process); ``workers`` None chooses from the usable cores."""
    if workers is None:
        return usable_cores() if total >= MIN_POOLED else 1
    return max(1, min(workers, total))


def _start_worker(cancel: Event, done: Synchronized[int]) -> None:
    global _cancel, _done
    _cancel, _done = cancel, done


def _warm_up() -> None:
    """A worker's first task: the fonts loaded before its first document."""
    register_fonts()


class Workers:
    """The worker processes of one batch, started at once (a context manager: on exit a
    cancel is signalled if an error is leaving, and the processes are ended)."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.count = count
        self.cancel: Event = context.Event()
        self.done: Synchronized[int] = context.Value("i", 0)
        self.executor = ProcessPoolExecutor(
            max_workers=count,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.cancel, self.done),
        )
        # The executor starts a process per task submitted while none is idle.
        for _ in range(count):
            self.executor.submit(_warm_up)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        if kind is not None:
            self.cancel.set()
        self.executor.shutdown(wait=True, cancel_futures=True)


def _count_one() -> None:
    assert _done is not None
    with _done.get_lock():
        _done.value += 1


def _on_start(index: int) -> None:
    """Before each document of a run: stop if cancelled; count the one before."""
    assert _cancel is not None
    if _cancel.is_set():
        raise Cancelled([])
    if index:
        _count_one()


def _single_run(jobs: Sequence[PrintJob], out: Path, title: str, author: str) -> bool:
    """A worker's run into one PDF; False when cancelled (nothing written)."""
    try:
        single_pdf(jobs, out, title=title, author=author, on_start=_on_start)
    except Cancelled:
        return False
    _count_one()
    return True


def _each_run(jobs: Sequence[PrintJob], folder: Path) -> list[Path]:
    """A worker's run into one file per document: the files finished."""
    try:
        paths = each_pdf(jobs, folder, on_start=_on_start)
    except Cancelled as stop:
        finished: list[Path] = stop.args[0]
        return finished
    _count_one()
    return paths


def _runs(jobs: Sequence[PrintJob], workers: int) -> list[Sequence[PrintJob]]:
    size = max(1, min(RUN_SIZE, -(-len(jobs) // (workers * 2))))
    return [jobs[start : start + size] for start in range(0, len(jobs), size)]


def print_in_pool(
    jobs: Sequence[PrintJob],
    *,
    out: Path,
    single_file: bool,
    title: str,
    author: str,
    workers: Workers,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> tuple[tuple[Path, ...], bool]:
    """Lay ``jobs`` out on ``workers``: (the files written, whether cancelled).

    The output was checked by the caller; the folder of one file per unit exists.
    ``progress(done, total)`` runs in this thread as documents are finished;
    ``cancelled()`` is polled every :data:`POLL` seconds.
    """
    runs = _runs(jobs, workers.count)
    total = len(jobs)
    with tempfile.TemporaryDirectory(prefix="thidua-batch-") as pieces_dir:
        pieces = [Path(pieces_dir) / f"{index:05d}.pdf" for index in range(len(runs))]
        futures: list[Future[object]] = []
        stopped = False
        try:
            for run, piece in zip(runs, pieces, strict=True):
                if single_file:
                    futures.append(workers.executor.submit(_single_run, run, piece, title, author))
                else:
                    futures.append(workers.executor.submit(_each_run, run, out))
            stopped = _follow(futures, workers.done, total, progress, cancelled)
        except BrokenProcessPool:
            workers.cancel.set()
            raise UserError(
                N_(
                    "Printing stopped: one of its processes ended unexpectedly. "
                    "Try again, or print fewer units at a time."
                )
            ) from None
        except BaseException:
            workers.cancel.set()
            raise
        finally:
            if stopped:
                workers.cancel.set()
            workers.executor.shutdown(wait=True, cancel_futures=True)
        if not single_file:
            paths = [
                path
                for future in futures
                if future.done() and not future.cancelled() and future.exception() is None
                for path in future.result()  # type: ignore[attr-defined]
            ]
            return tuple(paths), stopped
        if stopped:
            return (), True
        _join(pieces, out, title=title, author=author)
        return (out,), False


def _follow(
    futures: list[Future[object]],
    done: Synchronized[int],
    total: int,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> bool:
    """Wait for every run, reporting progress; True when cancelled. A worker's error is
    raised here."""
    pending = set(futures)
    reported = -1
    while pending:
        finished, pending = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
        for future in finished:
            future.result()
        if cancelled is not None and cancelled():
            return True
        count = done.value
        if progress is not None and count != reported and count < total:
            progress(count, total)
            reported = count
    return False


def _join(pieces: Sequence[Path], out: Path, *, title: str, author: str) -> None:
    """The pieces' pages, in order, as one PDF at ``out``
    (:func:`app.printing.pdf_join.join_pieces`; pypdf for pieces of another shape)."""

    def write(temporary: Path) -> None:
        with temporary.open("wb") as stream:
            join_pieces(pieces, stream, title=title, author=author)

    try:
        write_atomically(out, write)
    except UnexpectedPdf:
        _join_with_pypdf(pieces, out, title=title, author=author)


def _join_with_pypdf(pieces: Sequence[Path], out: Path, *, title: str, author: str) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for piece in pieces:
        writer.append(str(piece))
    writer.add_metadata({"/Title": nfc(title), "/Author": nfc(author), "/Creator": "Thi Đua"})

    def write(temporary: Path) -> None:
        with temporary.open("wb") as stream:
            writer.write(stream)

    write_atomically(out, write)
