"""Key storage and backup with real keys, real files and real scrypt.

Tests pass tiny scrypt parameters (FAST) to stay quick; one test exercises
the strong defaults end to end.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.exchange.keystore import (
    BACKUP_FORMAT,
    DEFAULT_SCRYPT,
    KEY_FILE_FORMAT,
    KEY_FILE_NAME,
    CorruptKeyFileError,
    KeyPair,
    KeyStoreError,
    PassphraseRequiredError,
    ScryptParams,
    WeakPassphraseError,
    WrongPassphraseError,
    export_backup,
    generate_keypair,
    load_private_key,
    read_key_file_info,
    restore_backup,
    save_private_key,
)
from app.exchange.signing import (
    PAYLOAD_TYPE,
    fingerprint_groups,
    key_id,
    open_envelope,
    sign_envelope,
    verify_envelope,
)

FAST = ScryptParams(n=2**4, r=8, p=1)
PASSPHRASE = "Năm vì lợi ích đoàn viên"
POSIX = os.name == "posix"


@pytest.fixture(scope="module")
def keypair() -> KeyPair:
    return generate_keypair()


def signs_like(keypair: KeyPair, loaded: KeyPair) -> None:
    """The loaded key is the same key: it makes signatures the original verifies."""
    assert loaded == keypair
    data = sign_envelope(loaded.private_key, PAYLOAD_TYPE, b"{}")
    assert verify_envelope(open_envelope(data, max_size=4096), keypair.public_raw) == b"{}"


def read(path: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(path.read_bytes())
    return result


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


# --- key pairs -----------------------------------------------------------------------


def test_generate_keypair() -> None:
    first, second = generate_keypair(), generate_keypair()
    assert first != second
    assert len(first.public_raw) == 32
    assert first.key_id == key_id(first.public_raw)
    assert first.fingerprint == fingerprint_groups(first.public_raw)
    assert first.private_key.public_key().public_bytes_raw() == first.public_raw


def test_keypair_is_frozen_and_hides_the_private_key(keypair: KeyPair) -> None:
    with pytest.raises(AttributeError):
        keypair.key_id = "x"  # type: ignore[misc]
    assert "private_key" not in repr(keypair)
    assert keypair.key_id in repr(keypair)


def test_keypair_refuses_mismatched_halves(keypair: KeyPair) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(ValueError):
        KeyPair(private_key=other, public_raw=keypair.public_raw, key_id=keypair.key_id)
    with pytest.raises(ValueError):
        KeyPair(private_key=keypair.private_key, public_raw=keypair.public_raw, key_id="0" * 64)


def test_default_scrypt_is_strong() -> None:
    assert DEFAULT_SCRYPT.n >= 2**15
    assert DEFAULT_SCRYPT.r >= 8
    assert 128 * DEFAULT_SCRYPT.n * DEFAULT_SCRYPT.r >= 32 * 2**20


@pytest.mark.parametrize(
    ("n", "r", "p"), [(3, 8, 1), (0, 8, 1), (2**4, 0, 1), (2**4, 8, 0), (2**30, 8, 1)]
)
def test_scrypt_params_are_validated(n: int, r: int, p: int) -> None:
    with pytest.raises(ValueError):
        ScryptParams(n=n, r=r, p=p)


# --- unprotected key file ------------------------------------------------------------


def test_unprotected_round_trip(tmp_path: Path, keypair: KeyPair) -> None:
    path = save_private_key(keypair, tmp_path / "data", passphrase=None)
    assert path == tmp_path / "data" / KEY_FILE_NAME
    document = read(path)
    assert document["format"] == KEY_FILE_FORMAT
    assert document["version"] == 1
    assert document["protection"] == "none"
    assert document["key_id"] == keypair.key_id
    signs_like(keypair, load_private_key(path, None))
    # a passphrase given for an unprotected key is ignored
    signs_like(keypair, load_private_key(path, "whatever"))


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_key_file_mode_is_0600(tmp_path: Path, keypair: KeyPair, passphrase: str | None) -> None:
    path = save_private_key(keypair, tmp_path / "new", passphrase=passphrase, scrypt=FAST)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_no_temporary_files_left(tmp_path: Path, keypair: KeyPair) -> None:
    directory = tmp_path / "keys"
    save_private_key(keypair, directory, passphrase=None)
    export_backup(keypair, directory / "backup.json", PASSPHRASE, scrypt=FAST)
    save_private_key(keypair, directory, passphrase=None, overwrite=True)
    with pytest.raises(KeyStoreError):
        save_private_key(keypair, directory, passphrase=None)
    assert sorted(p.name for p in directory.iterdir()) == ["backup.json", KEY_FILE_NAME]


def test_existing_key_is_not_replaced(tmp_path: Path, keypair: KeyPair) -> None:
    path = save_private_key(keypair, tmp_path, passphrase=None)
    other = generate_keypair()
    with pytest.raises(KeyStoreError) as info:
        save_private_key(other, tmp_path, passphrase=None)
    assert info.value.message == "A key file already exists there; it was not replaced."
    assert load_private_key(path, None) == keypair
    save_private_key(other, tmp_path, passphrase=None, overwrite=True)
    assert load_private_key(path, None) == other


def test_custom_file_name(tmp_path: Path, keypair: KeyPair) -> None:
    path = save_private_key(keypair, tmp_path, passphrase=None, file_name="federation.json")
    assert path.name == "federation.json"
    assert load_private_key(path, None) == keypair


# --- protected key file --------------------------------------------------------------


def test_protected_round_trip(tmp_path: Path, keypair: KeyPair) -> None:
    path = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, scrypt=FAST)
    document = read(path)
    assert document["protection"] == "scrypt-aes-256-gcm"
    assert document["scrypt"]["n"] == FAST.n
    assert "seed" not in document
    raw_seed = keypair.private_key.private_bytes_raw()
    assert raw_seed not in path.read_bytes()
    assert raw_seed.hex().encode() not in path.read_bytes()
    signs_like(keypair, load_private_key(path, PASSPHRASE))


def test_two_saves_use_fresh_salt_and_nonce(tmp_path: Path, keypair: KeyPair) -> None:
    first = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, file_name="a", scrypt=FAST)
    second = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, file_name="b", scrypt=FAST)
    a, b = read(first), read(second)
    assert a["scrypt"]["salt"] != b["scrypt"]["salt"]
    assert a["nonce"] != b["nonce"]
    assert a["ciphertext"] != b["ciphertext"]


def test_missing_passphrase(tmp_path: Path, keypair: KeyPair) -> None:
    path = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, scrypt=FAST)
    with pytest.raises(PassphraseRequiredError) as info:
        load_private_key(path, None)
    assert (
        info.value.message == "This key is protected by a passphrase. Enter it to unlock the key."
    )


@pytest.mark.parametrize(
    "wrong", ["", "năm vì lợi ích đoàn viên", PASSPHRASE + " ", "Nam vi loi ich doan vien"]
)
def test_wrong_passphrase(tmp_path: Path, keypair: KeyPair, wrong: str) -> None:
    path = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, scrypt=FAST)
    with pytest.raises(WrongPassphraseError) as info:
        load_private_key(path, wrong)
    assert info.value.message == "The passphrase is wrong."


def test_passphrase_is_nfc_normalised(tmp_path: Path, keypair: KeyPair) -> None:
    decomposed = unicodedata.normalize("NFD", PASSPHRASE)
    assert decomposed != PASSPHRASE
    path = save_private_key(keypair, tmp_path, passphrase=decomposed, scrypt=FAST)
    assert load_private_key(path, PASSPHRASE) == keypair
    # VNI-style input: base letter + combining tone mark, in either order of marks
    mixed = unicodedata.normalize("NFC", "ơ") + "\u0323"  # ợ as ơ + combining dot below
    path = save_private_key(
        keypair, tmp_path, passphrase="l" + mixed + "i ích 2017", file_name="x", scrypt=FAST
    )
    assert load_private_key(path, "lợi ích 2017") == keypair


@pytest.mark.parametrize("passphrase", ["", "1234567", "Đoàn\u0301"])
def test_short_passphrase_refused(tmp_path: Path, keypair: KeyPair, passphrase: str) -> None:
    with pytest.raises(WeakPassphraseError) as info:
        save_private_key(keypair, tmp_path, passphrase=passphrase, scrypt=FAST)
    assert info.value.message == "The passphrase must be at least {minimum} characters long."
    assert info.value.params == {"minimum": 8}
    assert not (tmp_path / KEY_FILE_NAME).exists()


def test_length_counts_characters_after_nfc(tmp_path: Path, keypair: KeyPair) -> None:
    # 8 characters once composed, 14 code points as typed (NFD)
    passphrase = unicodedata.normalize("NFD", "Đoànviên")
    assert len(passphrase) > 8
    assert len(unicodedata.normalize("NFC", passphrase)) == 8
    save_private_key(keypair, tmp_path, passphrase=passphrase, scrypt=FAST)
    with pytest.raises(WeakPassphraseError):
        save_private_key(keypair, tmp_path, passphrase=passphrase[:-1], file_name="y", scrypt=FAST)


# --- damaged files -------------------------------------------------------------------


@pytest.fixture
def protected_file(tmp_path: Path, keypair: KeyPair) -> Path:
    return save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, scrypt=FAST)


def expect_corrupt(path: Path, passphrase: str | None = PASSPHRASE) -> CorruptKeyFileError:
    with pytest.raises(CorruptKeyFileError) as info:
        load_private_key(path, passphrase)
    assert info.value.message == "The key file is damaged or is not a Thi Đua key file."
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyStoreError) as info:
        load_private_key(tmp_path / "absent.json", None)
    assert info.value.message == "The key file does not exist."


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(protected_file: Path) -> None:
    protected_file.chmod(0)
    with pytest.raises(KeyStoreError) as info:
        load_private_key(protected_file, PASSPHRASE)
    assert info.value.message == "The key file cannot be read."


def test_unwritable_directory(tmp_path: Path, keypair: KeyPair) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(KeyStoreError) as info:
        save_private_key(keypair, blocker / "sub", passphrase=None)
    assert info.value.message == "The key file cannot be written."


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b"\xef\xbb\xbf{}",
        b'{"format": "x", "format": "y"}',
        b"{" * 40,
        b" " * 20_000,
    ],
)
def test_not_a_key_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(content)
    expect_corrupt(path)


def test_ciphertext_altered(protected_file: Path) -> None:
    document = read(protected_file)
    ciphertext = bytearray(base64.b64decode(document["ciphertext"]))
    ciphertext[3] ^= 1
    document["ciphertext"] = b64(bytes(ciphertext))
    write(protected_file, document)
    assert expect_corrupt(protected_file).detail == "authentication failed"


def test_public_key_swapped(protected_file: Path) -> None:
    other = generate_keypair()
    document = read(protected_file)
    document["public_key"] = b64(other.public_raw)
    document["key_id"] = other.key_id
    write(protected_file, document)
    expect_corrupt(protected_file)  # the associated data binds the public key


def test_unprotected_seed_does_not_match_public_key(tmp_path: Path, keypair: KeyPair) -> None:
    path = save_private_key(keypair, tmp_path, passphrase=None)
    document = read(path)
    document["seed"] = b64(bytes(32))
    write(path, document)
    assert "does not match" in expect_corrupt(path, None).detail


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("format", "something-else"),
        ("version", 0),
        ("version", "1"),
        ("version", True),
        ("algorithm", "rsa"),
        ("protection", "rot13"),
        ("key_id", "0" * 64),
        ("public_key", b64(bytes.fromhex("01" + "00" * 31))),  # small-order
        ("public_key", "not base64!"),
        ("nonce", b64(bytes(8))),
        ("check", 12),
        ("ciphertext", b64(bytes(31))),
        ("scrypt", {"n": 3, "r": 8, "p": 1, "salt": b64(bytes(16))}),
        ("scrypt", {"n": 2**22, "r": 32, "p": 1, "salt": b64(bytes(16))}),
        ("scrypt", {"n": 16.0, "r": 8, "p": 1, "salt": b64(bytes(16))}),
        ("scrypt", {"n": 16, "r": 8, "p": 1}),
        ("scrypt", {"n": 16, "r": 8, "p": 1, "salt": b64(bytes(4))}),
        ("extra", "field"),
    ],
)
def test_damaged_fields(protected_file: Path, field: str, value: Any) -> None:
    document = read(protected_file)
    document[field] = value
    write(protected_file, document)
    expect_corrupt(protected_file)


@pytest.mark.parametrize(
    "field", ["scrypt", "check", "nonce", "ciphertext", "key_id", "public_key"]
)
def test_missing_fields(protected_file: Path, field: str) -> None:
    document = read(protected_file)
    del document[field]
    write(protected_file, document)
    expect_corrupt(protected_file)


def test_newer_version(protected_file: Path) -> None:
    document = read(protected_file)
    document["version"] = 2
    write(protected_file, document)
    with pytest.raises(KeyStoreError) as info:
        load_private_key(protected_file, PASSPHRASE)
    assert info.value.message == "The key file was made by a newer version of Thi Đua."
    assert not isinstance(info.value, CorruptKeyFileError)


def test_key_file_info_without_passphrase(tmp_path: Path, keypair: KeyPair) -> None:
    protected = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, scrypt=FAST)
    plain = save_private_key(keypair, tmp_path, passphrase=None, file_name="plain.json")
    backup = tmp_path / "backup.json"
    export_backup(keypair, backup, PASSPHRASE, scrypt=FAST)
    for path, is_protected, is_backup in [
        (protected, True, False),
        (plain, False, False),
        (backup, True, True),
    ]:
        info = read_key_file_info(path)
        assert info.path == path
        assert info.public_raw == keypair.public_raw
        assert info.key_id == keypair.key_id
        assert info.protected is is_protected
        assert info.is_backup is is_backup


# --- backups -------------------------------------------------------------------------


def test_backup_round_trip(tmp_path: Path, keypair: KeyPair) -> None:
    path = tmp_path / "usb" / "backup.json"
    path.parent.mkdir()
    export_backup(keypair, path, PASSPHRASE, scrypt=FAST)
    document = read(path)
    assert document["format"] == BACKUP_FORMAT
    assert document["version"] == 1
    restored = restore_backup(path, unicodedata.normalize("NFD", PASSPHRASE))
    signs_like(keypair, restored)
    # the restored key goes back into a data directory
    saved = save_private_key(restored, tmp_path / "new-pc", passphrase=None)
    assert load_private_key(saved, None) == keypair


def test_backup_replaces_an_older_backup(tmp_path: Path, keypair: KeyPair) -> None:
    path = tmp_path / "backup.json"
    export_backup(generate_keypair(), path, PASSPHRASE, scrypt=FAST)
    export_backup(keypair, path, PASSPHRASE, scrypt=FAST)
    assert restore_backup(path, PASSPHRASE) == keypair


@pytest.mark.parametrize("passphrase", ["", "short", "1234567"])
def test_backup_passphrase_minimum(tmp_path: Path, keypair: KeyPair, passphrase: str) -> None:
    with pytest.raises(WeakPassphraseError) as info:
        export_backup(keypair, tmp_path / "b.json", passphrase, scrypt=FAST)
    assert info.value.params == {"minimum": 8}
    assert not (tmp_path / "b.json").exists()


def test_backup_wrong_passphrase(tmp_path: Path, keypair: KeyPair) -> None:
    path = tmp_path / "b.json"
    export_backup(keypair, path, PASSPHRASE, scrypt=FAST)
    with pytest.raises(WrongPassphraseError):
        restore_backup(path, "Năm vì lợi ích công nhân")


def test_backup_and_key_file_are_not_interchangeable(tmp_path: Path, keypair: KeyPair) -> None:
    backup = tmp_path / "b.json"
    export_backup(keypair, backup, PASSPHRASE, scrypt=FAST)
    with pytest.raises(CorruptKeyFileError) as info:
        load_private_key(backup, PASSPHRASE)
    assert info.value.message == (
        "This file is a key backup: restore it instead of opening it as a key file."
    )
    key_file = save_private_key(keypair, tmp_path, passphrase=PASSPHRASE, scrypt=FAST)
    plain = save_private_key(keypair, tmp_path, passphrase=None, file_name="plain.json")
    for path in (key_file, plain):
        with pytest.raises(CorruptKeyFileError) as info:
            restore_backup(path, PASSPHRASE)
        assert info.value.message == "This file is not a key backup."
    # relabelling a key file as a backup breaks the associated data
    document = read(key_file)
    document["format"] = BACKUP_FORMAT
    write(backup, document)
    with pytest.raises(CorruptKeyFileError) as info:
        restore_backup(backup, PASSPHRASE)
    assert info.value.detail == "authentication failed"


def test_default_parameters_end_to_end(tmp_path: Path, keypair: KeyPair) -> None:
    """The strong defaults actually run (memory limits of the scrypt backend)."""
    path = tmp_path / "backup.json"
    export_backup(keypair, path, PASSPHRASE)
    assert read(path)["scrypt"] == {
        "n": DEFAULT_SCRYPT.n,
        "r": DEFAULT_SCRYPT.r,
        "p": DEFAULT_SCRYPT.p,
        "salt": read(path)["scrypt"]["salt"],
    }
    assert restore_backup(path, PASSPHRASE) == keypair


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(passphrase=st.text(min_size=8, max_size=40))
def test_property_any_passphrase_round_trips(
    tmp_path: Path, keypair: KeyPair, passphrase: str
) -> None:
    path = tmp_path / "p.json"
    if len(unicodedata.normalize("NFC", passphrase)) < 8:
        with pytest.raises(WeakPassphraseError):
            export_backup(keypair, path, passphrase, scrypt=FAST)
        return
    export_backup(keypair, path, passphrase, scrypt=FAST)
    assert restore_backup(path, unicodedata.normalize("NFD", passphrase)) == keypair
