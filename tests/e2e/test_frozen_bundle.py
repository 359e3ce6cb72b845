"""The PyInstaller bundle, built here and run as a user runs it (``make bundle-test``).

Builds ``build_installer.spec`` (onedir) on this machine, then runs the frozen
``thidua-cli`` through init → plan show → demo → import → rollup → Excel report
→ printed plan, and the frozen ``thidua`` offscreen to its first window. Nothing from the source
tree is on the frozen programs' path: they run from another folder with their
own bundled modules, translations, plans, fonts and migrations.

The build takes a minute or two, so the test runs only when asked
(``THIDUA_BUNDLE_TEST=1``, as ``make bundle-test`` and ``.ci/run`` do) and
skips with the reason when PyInstaller or ``objdump`` (binutils) is missing.
The bundle is cached in the temporary folder under a hash of its inputs
(sources, resources, spec, installed packages), so an unchanged tree is not
rebuilt; ``THIDUA_BUNDLE=dist/thidua`` tests an existing bundle instead.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
INPUT_FOLDERS = ("app", "db", "ui", "resources", "docs/guide", "docs/screenshots")
INPUT_FILES = ("build_installer.spec", "pyproject.toml")
CACHE_PREFIX = "thidua-bundle-"
STALE_SECONDS = 3600

pytestmark = pytest.mark.slow


def _inputs_digest() -> str:
    """Hash of everything the bundle is built from (sources, spec, installed packages)."""
    digest = hashlib.sha256()
    paths = [ROOT / name for name in INPUT_FILES]
    for folder in INPUT_FOLDERS:
        paths += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".mo")
        ]
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    installed = sorted(
        f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
    )
    digest.update("\n".join([sys.version, *installed]).encode())
    return digest.hexdigest()[:16]


def _build(cache: Path) -> Path:
    """Build into ``cache`` (reusing PyInstaller's work folder), print time and size."""
    started = time.monotonic()
    result = subprocess.run(
        [
            *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"),
            *("--workpath", str(cache / "build"), "--distpath", str(cache / "dist")),
            str(ROOT / "build_installer.spec"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-8000:]
    bundle = cache / "dist" / "thidua"
    print(f"\nbuilt {bundle} in {seconds:.0f} s, {_size_mib(bundle):.0f} MiB")
    return bundle


def _size_mib(folder: Path) -> float:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20


@pytest.fixture(scope="module")
def bundle() -> Path:
    given = os.environ.get("THIDUA_BUNDLE")
    if given:
        return Path(given).resolve()
    if not os.environ.get("THIDUA_BUNDLE_TEST"):
        pytest.skip("builds the PyInstaller bundle: run `make bundle-test` (THIDUA_BUNDLE_TEST=1)")
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (`make bundle-test` installs it)")
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        pytest.skip("PyInstaller needs objdump: apt-get install binutils")
    try:
        importlib.metadata.distribution("thidua")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("the project is not installed (pip install -e .): the spec reads its metadata")

    temp = Path(tempfile.gettempdir())
    cache = temp / f"{CACHE_PREFIX}{_inputs_digest()}"
    done = cache / "complete"
    for stale in temp.glob(f"{CACHE_PREFIX}*"):
        # Other inputs' bundles, unused for an hour (another checkout may be testing one).
        if stale != cache and time.time() - stale.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(stale, ignore_errors=True)
    if done.exists():
        cache.touch()
        bundle = cache / "dist" / "thidua"
        print(f"\nreusing {bundle} ({_size_mib(bundle):.0f} MiB; inputs unchanged)")
        return bundle
    bundle = _build(cache)
    done.touch()
    return bundle


def _env(home: Path, **extra: str) -> dict[str, str]:
    """The machine's environment without the source tree's Python settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(THIDUA_HOME=str(home), QT_QPA_PLATFORM="offscreen", **extra)
    return env


def _run(
    program: Path, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(program), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )
    assert result.returncode == 0, f"{program.name} {args}: {result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_bundle_holds_both_programs_and_the_resources(bundle: Path) -> None:
    for name in ("thidua", "thidua-cli"):
        assert os.access(bundle / f"{name}{EXE_SUFFIX}", os.X_OK), name
    internal = bundle / "_internal"
    assert sorted(p.name for p in (internal / "resources" / "fonts").glob("*.ttf")) == [
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-BoldItalic.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-Regular.ttf",
    ]
    assert (internal / "resources" / "fonts" / "LICENSE-Liberation-OFL-1.1.txt").is_file()
    assert (internal / "resources" / "plans" / "tuyen-quang-2017.json").is_file()
    assert (internal / "resources" / "locale" / "vi" / "LC_MESSAGES" / "thidua.mo").is_file()
    assert (internal / "db" / "migrations" / "env.py").is_file()
    revisions = {p.name for p in (ROOT / "db" / "migrations" / "versions").glob("0*.py")}
    bundled = {p.name for p in (internal / "db" / "migrations" / "versions").glob("0*.py")}
    assert revisions and bundled == revisions
    # The user guide for the help window, and the printed manual built from it by the spec.
    assert (internal / "docs" / "guide" / "01-chung.md").is_file()
    manual = internal / "docs" / "huong-dan-su-dung.pdf"
    text = subprocess.run(
        ["pdftotext", str(manual), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "MỤC LỤC" in text and "Dành cho Chủ tịch công đoàn cơ sở" in text
    unwanted = [p.name for p in internal.rglob("*") if "WebEngine" in p.name or "Quick" in p.name]
    assert unwanted == []
    print(f"\nbundle size: {_size_mib(bundle):.0f} MiB")


def test_frozen_cli_init_plan_demo_import(bundle: Path, tmp_path: Path) -> None:
    cli = bundle / f"thidua-cli{EXE_SUFFIX}"
    env = _env(tmp_path / "home")
    work = tmp_path / "work"
    work.mkdir()
    db = str(tmp_path / "fed.db")

    def run(*args: str) -> str:
        return _run(cli, *args, env=env, cwd=work).stdout

    def run_json(*args: str) -> Any:
        return json.loads(run(*args, "--json"))

    # Vietnamese by default: the compiled catalogue is in the bundle.
    said = run("--db", db, "init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    assert "Cơ sở dữ liệu đã sẵn sàng cho LĐLĐ tỉnh Tuyên Quang" in said

    plan = run_json("--db", db, "plan", "show", "tuyen-quang-2017")
    assert plan["id"] == "tuyen-quang-2017" and plan["year"] == 2017
    assert len(plan["indicators"]) == 21
    assert plan["theme"] == "Năm vì lợi ích đoàn viên"

    demo = run_json("demo", "--units", "20", "--out", str(tmp_path / "demo"))
    assert demo["units"] == 20 and demo["files"] == 60
    federation_db = demo["database"]
    summary = run_json("--db", federation_db, "import", demo["packages"])
    assert summary["counts"]["new"] == 60
    # Every other outcome the frozen program reports is zero, whatever outcomes it knows.
    others = {k: v for k, v in summary["counts"].items() if k != "new"}
    assert {"duplicate", "conflict", "rejected"} <= others.keys()
    assert set(others.values()) == {0}, others
    again = run_json("--db", federation_db, "import", demo["packages"])
    assert again["counts"]["duplicate"] == 60

    # The frozen roll-up is the source tree's, on the same merged database.
    frozen = run_json("--db", federation_db, "rollup", "tuyen-quang-2017")
    source = subprocess.run(
        [
            *(sys.executable, "-m", "app.cli", "--db", federation_db),
            *("rollup", "tuyen-quang-2017", "--json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, THIDUA_HOME=str(tmp_path / "home")),
        check=True,
    )
    assert frozen == json.loads(source.stdout)

    # openpyxl: the province workbook of the merged data.
    workbook = tmp_path / "tong-hop.xlsx"
    run("--db", federation_db, "report", "xlsx", "--out", str(workbook))
    with zipfile.ZipFile(workbook) as archive:
        assert "xl/workbook.xml" in archive.namelist()

    # reportlab and the bundled fonts: a printed plan embeds Liberation Serif.
    pdf = tmp_path / "plan.pdf"
    run("--db", db, "print", "plan", "--out", str(pdf))
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"LiberationSerif" in data

    # Every unit's registration form, with its verification box's QR code (reportlab's
    # barcode modules are imported by name), laid out by two spawned worker processes
    # of the frozen program and joined in order.
    forms = tmp_path / "dang-ky.pdf"
    batch = run_json(
        *("--db", federation_db, "print", "batch", "--single-file"),
        *("--workers", "2", "--out", str(forms)),
    )
    assert batch["printed"] == 20, batch
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(forms).pages)
    assert text.count("Mã đơn vị") >= 20


def test_frozen_gui_shows_its_first_window(bundle: Path, tmp_path: Path) -> None:
    gui = bundle / f"thidua{EXE_SUFFIX}"
    home = tmp_path / "home"
    db = tmp_path / "fed.db"
    _run(
        bundle / f"thidua-cli{EXE_SUFFIX}",
        *("--db", str(db), "init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang"),
        env=_env(home),
        cwd=tmp_path,
    )
    env = _env(home, THIDUA_EXIT_AFTER_SHOW="1", THIDUA_TRACE_STARTUP="1")
    shown = _run(gui, "--db", str(db), env=env, cwd=tmp_path).stdout
    assert "window-shown: Thi Đua — đăng ký và báo cáo thi đua" in shown
    paint = next(line for line in shown.splitlines() if line.startswith("startup first-paint"))
    assert paint.endswith("heavy=-"), paint

    version = _run(gui, "--version", env=_env(home), cwd=tmp_path).stdout.strip()
    assert version == f"thidua {importlib.metadata.version('thidua')}"


def test_frozen_gui_opens_the_federation_workspace(bundle: Path, tmp_path: Path) -> None:
    """Past the first window: the database opens and the workspace shows the plan.

    This loads, frozen, what only comes after the first paint: SQLAlchemy, the
    migrations and the federation screens with their charts.
    """
    home = tmp_path / "home"
    db = tmp_path / "fed.db"
    _run(
        bundle / f"thidua-cli{EXE_SUFFIX}",
        *("--db", str(db), "init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang"),
        env=_env(home),
        cwd=tmp_path,
    )
    log = tmp_path / "gui.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(bundle / f"thidua{EXE_SUFFIX}"), "--db", str(db)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(home, THIDUA_TRACE_STARTUP="1"),
            cwd=tmp_path,
        )
        try:
            deadline = time.monotonic() + 120
            while "startup data-shown" not in log.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            process.kill()
            process.wait()
    text = log.read_text()
    assert "startup data-shown" in text, text
    assert "Traceback" not in text, text
