"""Reading files from a USB stick as if any of them could be hostile.

- :func:`read_limited` reads only a regular file (a FIFO would hang a read, a
  device such as ``/dev/zero`` never ends), and never more than a limit: it is
  the one way a file from outside is read.
- :func:`display_name` shows any file name safely: names that are not valid
  UTF-8 (old names from another system) or that hold control characters are
  shown with replacement marks instead of crashing when printed or stored.
- :func:`check_output` / :func:`write_atomically` / :func:`write_output` write
  only a regular file in an existing folder: never through a link planted where
  the file should be, never over a device or a folder, always whole (a temporary
  file beside it renamed into place).
- :func:`package_files` walks folders without following links to folders
  (which may loop) and reports, rather than skips in silence, every entry
  that looks like a package but cannot be one: a FIFO, a device, a dangling
  or looping link, an unreadable file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import N_, InputError
from app.core.text import FORBIDDEN


def display_name(path: Path | str, *, base: Path | None = None) -> str:
    """A file name to show and store: relative to ``base`` when under it, readable
    whatever bytes the name holds (undecodable bytes and control characters are
    shown as ``�``)."""
    target = Path(path)
    if base is not None and target.is_relative_to(base):
        target = target.relative_to(base)
    return _shown(os.fspath(target))


def _shown(name: str) -> str:
    """A path's text as :func:`display_name` shows it."""
    text = os.fsencode(name).decode("utf-8", errors="replace")
    # Line breaks and tabs too: a name must not print a line of its own in a summary.
    return FORBIDDEN.sub("\ufffd", text).translate(_LINE_BREAKS)


_LINE_BREAKS = str.maketrans({"\n": "\ufffd", "\r": "\ufffd", "\t": "\ufffd"})


def _kind_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return N_("This is a folder, not a file.")
    if stat.S_ISFIFO(mode):
        return N_("This is a pipe (FIFO), not a file; it was not read.")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("This is a device, not a file; it was not read.")
    if stat.S_ISSOCK(mode):
        return N_("This is a socket, not a file; it was not read.")
    return N_("This is not a regular file; it was not read.")


class FileTooLargeError(InputError):
    """A file larger than the limit :func:`read_limited` reads it with."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`InputError` otherwise.

    The file is opened without blocking and checked on the open descriptor,
    so a FIFO or device put in its place after a check is refused too. A file
    over the limit is refused before it is read (:class:`FileTooLargeError`),
    and never more than ``limit`` + 1 bytes are read of one that grows. A
    file that cannot be opened or read raises an :class:`InputError` whose
    ``__cause__`` is the :class:`OSError`, for a caller that words it its own way.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise _os_error(exc) from exc
    try:
        info = os.fstat(descriptor)
        problem = _kind_problem(info.st_mode)
        if problem is not None:
            raise InputError(problem)
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(descriptor, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise _too_large(total, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise _os_error(exc) from exc
    finally:
        os.close(descriptor)


def _too_large(size: int, limit: int) -> FileTooLargeError:
    return FileTooLargeError(
        N_("The file is too large ({size} bytes; the limit is {limit} bytes)."),
        params={"size": size, "limit": limit},
    )


def _os_error(exc: OSError) -> InputError:
    return InputError(
        N_("The file cannot be read or written: {detail}"),
        params={"detail": exc.strerror or str(exc)},
    )


@dataclass(frozen=True)
class FoundFile:
    """A candidate package file, or one that cannot be read (``problem`` says why)."""

    path: Path
    name: str  # as shown: relative to the folder given, safely decoded
    problem: str = ""  # an English msgid; "" for a file to read


def package_files(paths: Iterable[Path], suffix: str) -> Iterator[FoundFile]:
    """Files named directly, and every ``*suffix`` entry below folders, in name order.

    Links to folders are not followed (they may loop); a ``*suffix`` entry that
    is not a readable regular file is yielded with its ``problem``.
    """
    for given in paths:
        try:
            is_dir = given.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            yield FoundFile(given, display_name(given.name))
            continue
        # Each folder with its name relative to ``given`` ("" for ``given``, else ending
        # in a separator): an entry's shown name is that and its own name.
        pending: list[tuple[Path, str]] = [(given, "")]
        found: list[FoundFile] = []
        while pending:
            folder, prefix = pending.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                found.append(
                    FoundFile(
                        folder,
                        display_name(folder, base=given.parent),
                        N_("This folder cannot be read; nothing in it was imported."),
                    )
                )
                continue
            for entry in entries:
                name = prefix + entry.name
                try:
                    if entry.is_file(follow_symlinks=False):
                        # A regular file, as the folder itself says (no call to the
                        # system per file): the common case, with nothing to report.
                        if _has_suffix(entry.name, suffix):
                            found.append(FoundFile(Path(entry.path), _shown(name)))
                        continue
                    path = Path(entry.path)
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((path, name + os.sep))
                        continue
                    if entry.is_symlink() and _points_to_folder(path):
                        if _has_suffix(entry.name, suffix):
                            found.append(
                                FoundFile(
                                    path,
                                    _shown(name),
                                    N_("This is a link to a folder; it was not followed."),
                                )
                            )
                        continue
                except OSError:
                    path = Path(entry.path)
                if not _has_suffix(entry.name, suffix):
                    continue
                found.append(FoundFile(path, _shown(name), _problem(path)))
        yield from sorted(found, key=lambda f: os.fsencode(f.path))


def _has_suffix(name: str, suffix: str) -> bool:
    """``.thidua`` in any case (old USB tools and Windows write ``.THIDUA``); the
    name's bytes are compared, so a name that is not valid UTF-8 is still found."""
    return os.fsencode(name).lower().endswith(os.fsencode(suffix).lower())


def _points_to_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


def _problem(path: Path) -> str:
    """Why an entry that looks like a package cannot be read ("" when it can)."""
    try:
        info = os.stat(path)  # follows links: a dangling or looping one fails here
    except FileNotFoundError:
        return N_("This is a link to a file that does not exist.")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return N_("This link leads round in a loop; it was not read.")
        return N_("This file cannot be read.")
    return _kind_problem(info.st_mode) or ""


def _names_folder(path: Path | str) -> bool:
    """A typed path ending in a separator ("forms/"), or an existing folder."""
    text = os.fspath(path)
    separators = tuple(sep for sep in (os.sep, os.altsep, "/") if sep)
    return text.endswith(separators) or Path(text).is_dir()


def output_file(text: str, *, suffix: str = "") -> Path:
    """The file a user typed to write to (``--out``), checked (:func:`check_output`).

    Checked as typed: ``Path("forms/")`` drops the separator that says a folder was
    meant, so a command line that names a file takes the text through here.
    """
    return check_output(text, suffix=suffix)


def check_output(path: Path | str, *, suffix: str = "") -> Path:
    """``path`` as a place to write a file to, or :class:`InputError` saying why not.

    The one check every command that writes a file makes. Refused: an empty name,
    a folder (one that exists, or a typed name ending in a separator), a link (a
    link planted in an output folder would send the file elsewhere), a device, a
    pipe or anything else that is not a regular file, and a folder that does not
    exist (it is never created: a mistyped folder is said, not made); with
    ``suffix`` (".xlsx"), a name not ending in it.
    """
    if not str(path).strip() or str(path) in {".", ".."}:
        raise InputError(N_("Give the name of the file to write."))
    target = Path(path)
    if _names_folder(path):
        if suffix == ".xlsx":
            raise InputError(
                N_("{path} is a folder; give a file name ending in .xlsx."),
                params={"path": display_name(target)},
            )
        raise InputError(
            N_("{path} is a folder; give the name of the file to write in it."),
            params={"path": display_name(target)},
        )
    if suffix == ".xlsx" and target.suffix.lower() != suffix:
        raise InputError(N_("The file name must end in .xlsx."), detail=display_name(target.name))
    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        info = None  # its folder is missing: said below
    except OSError as exc:
        raise _os_error(exc) from exc
    name = display_name(target)
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputError(
                N_("{path} is a link; nothing was written through it."), params={"path": name}
            )
        problem = _kind_problem(info.st_mode)
        if problem is not None:
            raise InputError(
                N_("{path} is not a regular file; nothing was written."), params={"path": name}
            )
    if not target.parent.is_dir():
        raise InputError(
            N_("The folder {folder} does not exist."),
            params={"folder": display_name(target.parent)},
        )
    return target


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def write_atomically(path: Path | str, write: Callable[[Path], object]) -> Path:
    """Put a file at ``path`` whole: ``write`` fills a new, empty temporary file
    beside it, which then replaces ``path`` in one step, so a reader (or a power
    cut) finds the old file or the new one, never half of one.

    ``path`` passes :func:`check_output` before anything is written and again
    just before the replace. The temporary file is created here, never through a
    link, with the mode a new file gets (not ``mkstemp``'s 0600, which would stay
    on the finished file). An :class:`OSError` (a full disk, a folder that
    cannot be written to, a target another program holds open on Windows) is
    raised as it is, for the caller to word; the temporary file is removed
    whatever happens.
    """
    target = check_output(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.part")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | _NOFOLLOW
    os.close(os.open(temporary, flags, 0o644))
    try:
        write(temporary)
        check_output(target)  # nothing was put in its place meanwhile
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def write_output(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` whole (:func:`write_atomically`); :class:`InputError`
    if it cannot be."""

    def fill(temporary: Path) -> None:
        flags = os.O_WRONLY | getattr(os, "O_BINARY", 0) | _NOFOLLOW
        with os.fdopen(os.open(temporary, flags), "wb") as handle:
            handle.write(data)

    try:
        return write_atomically(path, fill)
    except OSError as exc:
        raise _os_error(exc) from exc


__all__ = [
    "FileTooLargeError",
    "FoundFile",
    "check_output",
    "display_name",
    "output_file",
    "package_files",
    "read_limited",
    "write_atomically",
    "write_output",
]
