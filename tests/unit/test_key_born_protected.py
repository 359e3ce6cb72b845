"""A new federation's signing key is born inside its database, protected by the
passphrase staff choose, and never an unprotected file (issue #18); an older
federation's key file is protected on request (``keys protect``); the key kept in the
database is rotated under the old passphrase and a new one (``keys rotate``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli.program import main
from app.core.context import AppContext, open_context
from app.core.errors import UserError
from app.core.installation import get_installation
from app.exchange import (
    PassphraseRequiredError,
    WrongPassphraseError,
    key_needs_protection,
    protect_key,
    rotate_federation_key,
    unlock_key,
)
from app.exchange.key_custody import stored_key_text
from app.exchange.keys import ensure_own_key
from app.exchange.keystore import WeakPassphraseError, key_from_text
from app.setup import set_up_installation
from db import models
from db.enums import Role
from tests.helpers import older_federation_key

PASSPHRASE = "mật khẩu chung của LĐLĐ"
NAME = "LĐLĐ tỉnh Tuyên Quang"


def key_files() -> list[Path]:
    keys = Path(os.environ["THIDUA_HOME"]) / "keys"
    return sorted(keys.iterdir()) if keys.exists() else []


def actions(ctx: AppContext) -> list[str]:
    with ctx.reading() as session:
        return list(session.scalars(select(models.AuditEntry.action)))


def test_a_federation_set_up_gets_its_key_protected_in_the_database(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "federation.db")
    set_up_installation(ctx, role=Role.FEDERATION, name=NAME, key_passphrase=PASSPHRASE)
    assert key_files() == []
    assert not key_needs_protection(ctx)
    with ctx.reading() as session:
        text = stored_key_text(session)
        keyid = session.scalar(
            select(models.Setting.value).where(models.Setting.key == "own_keyid")
        )
    assert text is not None and "scrypt" in text and '"seed"' not in text
    assert key_from_text(text, PASSPHRASE).key_id == keyid
    assert "key.create" in actions(ctx)
    ctx.close()
    other = open_context(tmp_path / "federation.db")  # another staff PC: locked
    with pytest.raises(PassphraseRequiredError), other.unit_of_work() as session:
        ensure_own_key(session)
    assert unlock_key(other, passphrase=PASSPHRASE).keyid == keyid


@pytest.mark.parametrize("passphrase", [None, "ngắn", "1234567"])
def test_no_federation_is_set_up_without_a_strong_passphrase(
    tmp_path: Path, passphrase: str | None
) -> None:
    ctx = open_context(tmp_path / "federation.db")
    with pytest.raises(UserError) as refused:
        set_up_installation(ctx, role=Role.FEDERATION, name=NAME, key_passphrase=passphrase)
    assert refused.value.translated()
    if passphrase is not None:
        assert isinstance(refused.value, WeakPassphraseError)
    with ctx.reading() as session:
        assert get_installation(session) is None  # nothing was set up
        assert stored_key_text(session) is None
    assert key_files() == []


def test_a_federation_without_a_key_asks_a_passphrase_and_writes_no_file(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "federation.db")
    with ctx.unit_of_work() as session:
        from app.setup import initialize

        initialize(session, role=Role.FEDERATION, name=NAME)
    with pytest.raises(PassphraseRequiredError) as locked, ctx.unit_of_work() as session:
        ensure_own_key(session)
    assert "no signing key yet" in locked.value.message
    assert key_files() == []
    assert unlock_key(ctx, passphrase=PASSPHRASE).keyid
    assert key_files() == []


def test_an_older_federations_key_file_is_protected_on_request(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "federation.db")
    set_up_installation(ctx, role=Role.UNIT, name="CĐCS", sector=None)  # not a federation
    assert not key_needs_protection(ctx)
    with pytest.raises(UserError):
        protect_key(ctx, passphrase=PASSPHRASE)
    ctx.close()

    fed = open_context(tmp_path / "older.db")
    with fed.unit_of_work() as session:
        from app.setup import initialize

        initialize(session, role=Role.FEDERATION, name=NAME)
    old = older_federation_key(fed)
    assert key_needs_protection(fed)
    with pytest.raises(WeakPassphraseError):
        protect_key(fed, passphrase="ngắn")
    assert key_needs_protection(fed) and "key.share" not in actions(fed)
    assert protect_key(fed, passphrase=PASSPHRASE).keyid == old
    assert not key_needs_protection(fed)
    assert "key.share" in actions(fed)
    with pytest.raises(UserError) as again:
        protect_key(fed, passphrase=PASSPHRASE)
    assert "already" in again.value.message


def test_the_key_in_the_database_is_rotated_under_a_new_passphrase(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "federation.db")
    set_up_installation(ctx, role=Role.FEDERATION, name=NAME, key_passphrase=PASSPHRASE)
    old = unlock_key(ctx, passphrase=PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        rotate_federation_key(ctx, passphrase="không đúng mật khẩu", new_passphrase="khóa 2018 mới")
    with pytest.raises(WeakPassphraseError):
        rotate_federation_key(ctx, passphrase=PASSPHRASE, new_passphrase="ngắn")
    new = rotate_federation_key(ctx, passphrase=PASSPHRASE, new_passphrase="khóa 2018 mới")
    assert new.keyid != old.keyid and new.epoch == old.epoch + 1
    assert actions(ctx).count("key.rotate") == 1
    assert key_files() == []
    ctx.close()
    other = open_context(tmp_path / "federation.db")
    with pytest.raises(WrongPassphraseError):
        unlock_key(other, passphrase=PASSPHRASE)
    assert unlock_key(other, passphrase="khóa 2018 mới").keyid == new.keyid


def test_an_unprotected_key_file_is_not_rotated_before_it_is_protected(tmp_path: Path) -> None:
    ctx = open_context(tmp_path / "federation.db")
    with ctx.unit_of_work() as session:
        from app.setup import initialize

        initialize(session, role=Role.FEDERATION, name=NAME)
    older_federation_key(ctx)
    with pytest.raises(UserError) as refused:
        rotate_federation_key(ctx, passphrase=PASSPHRASE)
    assert "protect it first" in refused.value.message
    assert "key.rotate" not in actions(ctx)


def test_cli_init_protect_and_rotate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = str(tmp_path / "federation.db")
    monkeypatch.setenv("KEY", PASSPHRASE)
    monkeypatch.setenv("NEW_KEY", "khóa 2018 mới")
    monkeypatch.setenv("SHORT", "ngắn")
    init = ["init", "--role", "federation", "--name", NAME]
    assert main(["--db", database, "--key-passphrase-env", "SHORT", *init]) == 1
    assert "8" in capsys.readouterr().err
    assert main(["--db", database, "--key-passphrase-env", "KEY", *init]) == 0
    assert key_files() == []
    with open_context(database).reading() as session:
        assert stored_key_text(session) is not None
    # A federation whose key is already protected has nothing to protect.
    assert main(["--db", database, "keys", "protect", "--passphrase-env", "KEY"]) == 1
    assert "đã được bảo vệ" in capsys.readouterr().err  # the CLI speaks Vietnamese
    rotate = ["keys", "rotate", "--passphrase-env", "KEY", "--new-passphrase-env", "NEW_KEY"]
    assert main(["--db", database, *rotate, "--json"]) == 0
    assert '"epoch": 2' in capsys.readouterr().out
    assert main(["--db", database, "--key-passphrase-env", "NEW_KEY", "keys", "show"]) == 0
    assert main(["--db", database, "--key-passphrase-env", "KEY", "keys", "show"]) == 1

    older = str(tmp_path / "older.db")
    assert main(["--db", older, *init]) == 0
    assert "lần ký đầu tiên" in capsys.readouterr().out
    ctx = open_context(older)
    older_federation_key(ctx)
    ctx.close()
    assert main(["--db", older, *rotate]) == 1
    assert "hãy bảo vệ khóa trước" in capsys.readouterr().err
    assert main(["--db", older, "keys", "protect", "--passphrase-env", "KEY"]) == 0
    assert "mọi máy của cán bộ" in capsys.readouterr().out
    assert main(["--db", older, *rotate]) == 0
    with open_context(older).reading() as session:
        done = list(session.scalars(select(models.AuditEntry.action)))
    assert "key.share" in done and "key.rotate" in done
