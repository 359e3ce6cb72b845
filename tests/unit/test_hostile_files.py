"""What a USB stick can hold besides packages (issue 14, items 3, 4, 11, 12).

Files that are not regular files (a FIFO, a device, links that dangle or loop,
links to folders), names that are not valid UTF-8, thousands of empty files,
and output paths that are links, devices or empty: each is reported with its
reason, nothing hangs, nothing escapes as a traceback, and the import goes on
with the rest. The import cases run on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.core.errors import InputError
from app.core.files import check_output, display_name, read_limited, write_output
from app.exchange.merge import import_packages
from app.exchange.outcomes import Outcome
from tests.unit.package_forge import Env, valid

pytestmark = pytest.mark.both_backends

MSG_FIFO = "This is a pipe (FIFO), not a file; it was not read."
MSG_DEVICE = "This is a device, not a file; it was not read."
MSG_DANGLING = "This is a link to a file that does not exist."
MSG_LOOP = "This link leads round in a loop; it was not read."
MSG_FOLDER_LINK = "This is a link to a folder; it was not followed."
MSG_NOT_ENVELOPE = "The file is not valid JSON."


# --- reading -----------------------------------------------------------------------------------


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "goi.thidua"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as info:
        read_limited(fifo, 1000)  # before: blocked for ever
    assert info.value.message == MSG_FIFO


def test_a_device_is_refused_before_any_byte_is_read() -> None:
    with pytest.raises(InputError) as info:
        read_limited(Path("/dev/zero"), 1000)  # before: MemoryError
    assert info.value.message == MSG_DEVICE


@pytest.mark.parametrize("command", ["verify", "import"])
def test_cli_given_a_fifo_answers_at_once(tmp_path: Path, command: str) -> None:
    """A separate process, so that a regression hangs that process, not the suite."""
    fifo = tmp_path / "goi.thidua"
    os.mkfifo(fifo)
    database = tmp_path / "fed.db"
    init = [sys.executable, "-m", "app.cli", "--db", str(database), "--lang", "vi"]
    environment = {**os.environ, "THIDUA_HOME": str(tmp_path / "home")}
    subprocess.run(
        [*init, "init", "--role", "federation", "--name", "LĐLĐ tỉnh"],
        check=True,
        capture_output=True,
        env=environment,
        timeout=120,
    )
    result = subprocess.run(
        [*init, command, str(fifo)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert "đường ống (FIFO)" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe-cu.thidua", b"C\xf4ng-\xf0o\xe0n.thidua", b"a\x1b[31mred.thidua"],
    ids=["not-utf8", "latin1", "escape-sequence"],
)
def test_names_that_are_not_text_are_shown_safely(tmp_path: Path, raw: bytes) -> None:
    path = Path(os.fsdecode(tmp_path)) / os.fsdecode(raw)
    shown = display_name(path, base=tmp_path)
    shown.encode("utf-8")  # before: UnicodeEncodeError when printed or stored
    assert "\x1b" not in shown
    assert shown.endswith(".thidua")


# --- a folder of every odd thing ----------------------------------------------------------------


def odd_folder(env: Env, empty_files: int) -> tuple[Path, dict[str, str]]:
    """A folder as a careless USB stick holds it; returns it and the expected
    reason (English msgid, "" for merged) per file name as shown."""
    folder = env.dir / "usb"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "CS-00001.thidua").write_bytes(valid(env, "CS-00001"))
    undecodable = os.fsencode(folder) + b"/\xff\xfe-CS-00002.thidua"
    with open(undecodable, "wb") as handle:
        handle.write(valid(env, "CS-00002"))
    os.mkfifo(folder / "fifo.thidua")
    os.symlink("/dev/zero", folder / "device.thidua")
    os.symlink(folder / "gone.thidua", folder / "dangling.thidua")
    os.symlink(folder / "loop-b.thidua", folder / "loop-a.thidua")
    os.symlink(folder / "loop-a.thidua", folder / "loop-b.thidua")
    os.symlink(folder / "sub", folder / "folder-link.thidua")
    os.symlink(folder, folder / "sub" / "back-up")  # a loop by folders: not followed
    for index in range(empty_files):
        (folder / f"empty-{index:05d}.thidua").touch()
    expected = {
        "sub/CS-00001.thidua": "",
        "\ufffd\ufffd-CS-00002.thidua": "",
        "fifo.thidua": MSG_FIFO,
        "device.thidua": MSG_DEVICE,
        "dangling.thidua": MSG_DANGLING,
        "loop-a.thidua": MSG_LOOP,
        "loop-b.thidua": MSG_LOOP,
        "folder-link.thidua": MSG_FOLDER_LINK,
    }
    for index in range(empty_files):
        expected[f"empty-{index:05d}.thidua"] = MSG_NOT_ENVELOPE
    return folder, expected


def test_a_folder_of_odd_files_reports_every_file(env: Env) -> None:
    folder, expected = odd_folder(env, empty_files=3)
    dry = import_packages(env.ctx, paths=[folder], dry_run=True)
    applied = import_packages(env.ctx, paths=[folder], dry_run=False)
    assert dry.items == applied.items
    reported = {item.file_name: item for item in applied.items}
    assert sorted(reported) == sorted(expected)
    for name, reason in expected.items():
        item = reported[name]
        assert item.reason == reason, name
        assert item.outcome is (Outcome.NEW if not reason else Outcome.REJECTED), name
    # The summary table carries every name, readable.
    out = env.dir / "summary.csv"
    applied.write_csv(out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Tệp", "Mã đơn vị"]
    assert {row[0] for row in rows[1:]} == set(expected)


@pytest.mark.slow
def test_twenty_thousand_empty_files_are_each_reported(env: Env) -> None:
    folder, expected = odd_folder(env, empty_files=20_000)
    summary = import_packages(env.ctx, paths=[folder], dry_run=False)
    assert len(summary.items) == len(expected) == 20_008
    assert summary.counts["new"] == 2
    assert {i.file_name for i in summary.items} == set(expected)


def test_cli_import_of_the_odd_folder_prints_every_name(env: Env, tmp_path: Path) -> None:
    folder, expected = odd_folder(env, empty_files=2)
    out = io.StringIO()
    url = env.ctx.url if env.backend != "sqlite" else str(env.ctx.engine.url.database)
    code = main(["--db", url, "--lang", "vi", "import", str(folder), "--json"], out)
    assert code in (0, 1)
    summary = json.loads(out.getvalue())
    assert sorted(item["file"] for item in summary["items"]) == sorted(expected)


# --- writing -----------------------------------------------------------------------------------


def test_output_through_a_planted_link_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "CS-0001_registration_r1_receipt.thidua"
    link.symlink_to(victim)
    with pytest.raises(InputError) as info:
        write_output(link, b"data")
    assert info.value.message == "{path} is a link; nothing was written through it."
    assert victim.read_text() == "keep me"
    assert link.is_symlink()


def test_output_over_a_device_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        write_output(Path("/dev/null"), b"data")
    assert info.value.message == "{path} is not a regular file; nothing was written."
    assert Path("/dev/null").is_char_device()


@pytest.mark.parametrize("name", ["", ".", " "])
def test_output_without_a_name_is_refused(name: str) -> None:
    with pytest.raises(InputError) as info:
        check_output(name)
    assert info.value.message == "Give the name of the file to write."


def test_cli_print_plan_with_an_empty_out_says_so(env: Env) -> None:
    out, err = io.StringIO(), io.StringIO()
    url = env.ctx.url if env.backend != "sqlite" else str(env.ctx.engine.url.database)
    stderr = sys.stderr
    sys.stderr = err
    try:
        code = main(["--db", url, "--lang", "vi", "print", "plan", "--out", ""], out)
    finally:
        sys.stderr = stderr
    assert code != 0
    assert "Hãy ghi tên tệp cần lưu." in err.getvalue()
    assert "Traceback" not in err.getvalue()
