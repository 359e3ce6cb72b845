"""``thidua-cli backup`` and ``restore`` at the federation (issue #18), as staff run them:
the file backed up and restored on a new PC (what it replaces said first), a shared
database backed up to a portable file and restored onto an empty server, and the
refusals (no passphrase, a server as the file to restore into, a server holding data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.exchange.sealing import decrypt_with_passphrase
from app.setup import database_digests_at
from tests.e2e.test_database_move import as_json, cli
from tests.postgres import PostgresServer

SECRET = "mật khẩu sao lưu"
KEY_SECRET = "mật khẩu khóa ký"
#: Unlocks the federation's key (kept in its database) for one command.
UNLOCK = ("--key-passphrase-env", "KEY_SECRET")


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup passphrase in the environment variable the commands are given."""
    monkeypatch.setenv("BACKUP_SECRET", SECRET)
    monkeypatch.setenv("KEY_SECRET", KEY_SECRET)


def _digests(location: str | Path) -> dict[str, object]:
    # The backup (source) and a move (target) are audited after the copy is proven.
    return {
        n: d for n, d in database_digests_at(location).items() if n not in ("setting", "audit_log")
    }


def _federation(tmp_path: Path) -> tuple[Path, Path]:
    home = tmp_path / "home-old"
    db = tmp_path / "old" / "thidua.db"
    init = ("init", "--role", "federation", "--name", "LĐLĐ tỉnh Hà Giang")
    cli(home, "--db", str(db), *UNLOCK, *init)
    cli(home, "--db", str(db), *UNLOCK, "keys", "show")
    return home, db


def test_backup_and_restore_a_federation_file(tmp_path: Path) -> None:
    home, db = _federation(tmp_path)
    usb = str(tmp_path / "usb")
    refused = cli(home, "--db", str(db), *UNLOCK, "backup", "--out", usb, status=2)
    assert "--backup-passphrase-env" in refused.stderr
    made = as_json(
        home, "--db", str(db), *UNLOCK, "backup", "--out", str(tmp_path / "usb"),
        "--backup-passphrase-env", "BACKUP_SECRET",
    )  # fmt: skip
    assert made["role"] == "federation" and made["name"] == "LĐLĐ tỉnh Hà Giang"

    new_home = tmp_path / "home-new"
    new_db = tmp_path / "new" / "thidua.db"
    said = cli(
        new_home, "--db", str(new_db), "restore", str(tmp_path / "usb"),
        "--backup-passphrase-env", "BACKUP_SECRET",
    ).stdout  # fmt: skip
    assert "Không có dữ liệu nào bị thay thế" in said and "Đã khôi phục" in said
    assert _digests(new_db) == _digests(db)

    # Restored again over the old PC's file: what it replaces is said, the old one kept.
    again = as_json(
        home, "--db", str(db), "restore", made["folder"], "--backup-passphrase-env",
        "BACKUP_SECRET",
    )  # fmt: skip
    assert again["replaced"]["name"] == "LĐLĐ tỉnh Hà Giang"
    assert again["replaced"]["role"] == "federation"
    assert Path(again["kept_aside"]).is_file()


def test_a_shared_federation_backs_up_and_restores_onto_an_empty_server(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    home, db = _federation(tmp_path)
    server = postgres_server.empty()
    cli(home, "db", "copy", str(db), server)
    made = as_json(
        home, "--db", server, *UNLOCK, "backup", "--out", str(tmp_path / "usb"),
        "--backup-passphrase-env", "BACKUP_SECRET",
    )  # fmt: skip
    assert made["source"].startswith("postgresql://")
    clear = tmp_path / "clear.db"
    sealed = (Path(made["folder"]) / "thidua.db.age").read_bytes()
    clear.write_bytes(decrypt_with_passphrase(sealed, SECRET))
    assert _digests(clear) == _digests(server)

    new_home = tmp_path / "home-new"
    new_db = tmp_path / "new" / "thidua.db"
    wrong = cli(
        new_home, "--db", server, "restore", made["folder"],
        "--backup-passphrase-env", "BACKUP_SECRET", status=1,
    )  # fmt: skip
    assert "--onto" in wrong.stderr
    held = cli(
        new_home, "--db", str(new_db), "restore", made["folder"],
        "--backup-passphrase-env", "BACKUP_SECRET", "--onto", server, status=1,
    )  # fmt: skip
    assert "đã có dữ liệu" in held.stderr and not new_db.exists()
    fresh = postgres_server.empty()
    done = as_json(
        new_home, "--db", str(new_db), "restore", made["folder"],
        "--backup-passphrase-env", "BACKUP_SECRET", "--onto", fresh,
    )  # fmt: skip
    assert done["moved_to"]
    assert _digests(fresh) == _digests(server)


@pytest.mark.parametrize("missing", ["BACKUP_NOT_SET"])
def test_an_unset_passphrase_variable_writes_nothing(tmp_path: Path, missing: str) -> None:
    home, db = _federation(tmp_path)
    result = cli(
        home, "--db", str(db), *UNLOCK, "backup", "--out", str(tmp_path / "usb"),
        "--backup-passphrase-env", missing, status=1,
    )  # fmt: skip
    assert missing in result.stderr
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())
