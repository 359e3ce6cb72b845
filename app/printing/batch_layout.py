"""Laying a batch's documents out: one PDF holding them all, or one file each.

What :func:`app.printing.batch.print_jobs` does in this process and what each worker of
:mod:`app.printing.batch_pool` does with its share of the documents; both only lay out
the :class:`PrintJob` objects given (no database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable, PageBreak

from app.printing.key_card import KeyCard, key_card_story
from app.printing.layout import FormStart, PageNumbering, build_pdf
from app.printing.registration_form import RegistrationForm, registration_story
from app.printing.results_report import ResultsReport, results_story


@dataclass(frozen=True)
class PrintJob:
    """One document to make: whose it is, its PDF title and author, the form's data, and
    its file name in a folder of one file each."""

    unit_code: str
    unit_id: str
    title: str
    author: str
    form: RegistrationForm | ResultsReport | KeyCard
    file_name: str = ""


class Cancelled(Exception):
    """Raised inside the layout to stop a cancelled batch."""


def story_of(form: RegistrationForm | ResultsReport | KeyCard) -> list[Flowable]:
    """The laid-out story of one form."""
    if isinstance(form, RegistrationForm):
        return registration_story(form)
    if isinstance(form, ResultsReport):
        return results_story(form)
    return key_card_story(form)


def single_pdf(
    jobs: Sequence[PrintJob],
    out: Path,
    *,
    title: str,
    author: str,
    on_start: Callable[[int], None],
) -> Path:
    """Every job's document in one PDF at ``out`` (:func:`joined_pdf`)."""
    stories = (story_of(job.form) for job in jobs)
    return joined_pdf(stories, out, title=title, author=author, on_start=on_start)


def joined_pdf(
    stories: Iterable[list[Flowable]],
    out: Path,
    *,
    title: str,
    author: str,
    on_start: Callable[[int], None] | None = None,
) -> Path:
    """Several documents' stories in one PDF at ``out``, each on new pages with its own
    page numbers. ``on_start(index)`` runs as each document starts (it may raise
    :class:`Cancelled`; then nothing is written)."""
    numbering = PageNumbering()
    story: list[Flowable] = []
    for index, document in enumerate(stories):
        if index:
            story.append(PageBreak())
        story.append(FormStart(numbering, index, on_start))
        story += document
    return build_pdf(out, story, title=title, author=author, numbering=numbering)


def each_pdf(
    jobs: Sequence[PrintJob], folder: Path, *, on_start: Callable[[int], None]
) -> list[Path]:
    """Each job's document in its own file (``job.file_name``) in ``folder``;
    ``on_start(index)`` runs before each (and may raise :class:`Cancelled`: the files
    finished stay, and are :attr:`Cancelled.args`' first item)."""
    paths: list[Path] = []
    for index, job in enumerate(jobs):
        try:
            on_start(index)
        except Cancelled:
            raise Cancelled(paths) from None
        paths.append(
            build_pdf(
                folder / job.file_name, story_of(job.form), title=job.title, author=job.author
            )
        )
    return paths
