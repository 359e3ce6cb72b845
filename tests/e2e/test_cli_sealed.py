"""Encrypted packages as a person scripts them, checked with other tools: Debian's ``age``
decrypts a unit's package with the federation's exported identity and securesystemslib's
DSSE verifier accepts what is inside; an upper-level union reads its member's report (the
plan allows it) but not the receipt meant for the member; a package for another federation,
or with the federation's recipient removed, is refused as 'not a recipient' and changes
nothing."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from securesystemslib.dsse import Envelope as SslibEnvelope
from securesystemslib.signer import SSlibKey

from app.core.context import open_context
from app.exchange.signing import key_id
from tests.digest import changed_tables, table_digests
from tests.e2e.test_cli_packages import FEDERATION_KEY, Cli

pytestmark = [pytest.mark.both_backends, pytest.mark.slow]

AGE = shutil.which("age")
NOT_RECIPIENT = "Không phải người nhận"
BOOKKEEPING = {"import_run", "import_item", "audit_log"}


def age_decrypt(identity: Path, data: bytes) -> subprocess.CompletedProcess[bytes]:
    assert AGE is not None
    return subprocess.run(
        [AGE, "--decrypt", "-i", str(identity)], input=data, capture_output=True, timeout=60
    )


def without_stanza(data: bytes, index: int) -> bytes:
    """The age file with its ``index``-th recipient stanza (two lines) cut out."""
    header, rest = data.split(b"\n--- ", 1)
    lines = header.split(b"\n")
    starts = [i for i, line in enumerate(lines) if line.startswith(b"-> ")]
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(lines)
    return b"\n".join(lines[:start] + lines[end:]) + b"\n--- " + rest


def fill_registration(member: Cli, folder: Path) -> None:
    statement = {
        "plan": "tuyen-quang-2017",
        "stream": "registration",
        "statement": {
            "values": {"2.1": {"amount": 40}},
            "signer_name": "Nguyễn Thị Hoa",
            "signer_title": "Chủ tịch",
            "signed_on": "2017-03-02",
            "place": "Tuyên Quang",
            "notes": "",
            "movements": [],
            "titles": [],
            "works": [],
        },
    }
    (folder / "reg.json").write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
    member.run("fill", str(folder / "reg.json"))


def enrol(fed: Cli, unit: Cli, plan: Path, fingerprint: str, out: Path) -> dict[str, str]:
    unit.run("plan", "import", str(plan), "--accept-fingerprint", fingerprint)
    enrolment: dict[str, str] = unit.json("export", "--kind", "enrolment", "--out", str(out))
    fed.run("import", str(out))
    [pending] = fed.json("enrol", "list", "--status", "pending")
    assert pending["fingerprint"] == enrolment["fingerprint"]
    fed.run("enrol", "accept", pending["keyid"], "--fingerprint", enrolment["fingerprint"])
    return {"keyid": pending["keyid"], **enrolment}


@pytest.mark.skipif(AGE is None, reason="Debian's age is installed by .ci/run")
def test_age_and_dsse_tools_read_what_the_federation_may_read(
    tmp_path: Path, database_url: str
) -> None:
    fed = Cli(tmp_path / "fed-home", database_url, key=FEDERATION_KEY)
    union = Cli(tmp_path / "union-home", tmp_path / "union.db")
    member = Cli(tmp_path / "unit-home", tmp_path / "unit.db")
    fed.run("init", "--role", "federation", "--name", "LĐLĐ tỉnh Tuyên Quang")
    fed.run("roster", "template", "--out", str(tmp_path / "roster.xlsx"))
    fed.run("roster", "import", str(tmp_path / "roster.xlsx"))
    fed.run("plan", "export", "--out", str(tmp_path / "plans"))
    fingerprint = fed.json("keys", "show")["fingerprint"]

    # The upper-level union enrols first; the plan exported again names it a reader of
    # its member's packages.
    union.run("init", "--role", "unit", "--name", "LĐLĐ huyện Yên Sơn", "--code", "LDH-01")
    enrol(fed, union, tmp_path / "plans" / "LDH-01_plan_2017.thidua", fingerprint, tmp_path / "u.e")
    fed.run("plan", "export", "--out", str(tmp_path / "plans2"))
    member.run("init", "--role", "unit", "--name", "Công đoàn Xi măng", "--code", "CS-0001")
    enrolled = enrol(
        fed, member, tmp_path / "plans2" / "CS-0001_plan_2017.thidua", fingerprint, tmp_path / "m.e"
    )
    fill_registration(member, tmp_path)
    member.json("export", "--kind", "registration", "--out", str(tmp_path / "r1.thidua"))
    sealed = (tmp_path / "r1.thidua").read_bytes()
    assert sealed.startswith(b"age-encryption.org/v1\n")
    assert "Nguyễn Thị Hoa".encode() not in sealed

    # Debian's age opens it with the federation's exported identity…
    fed.run("keys", "export-identity", "--out", str(tmp_path / "fed.key"))
    assert (tmp_path / "fed.key").stat().st_mode & 0o077 == 0, "readable by its owner only"
    opened = age_decrypt(tmp_path / "fed.key", sealed)
    assert opened.returncode == 0, opened.stderr
    # …and securesystemslib's DSSE verifier accepts the envelope inside, with the key the
    # member enrolled (its enrolment, decrypted the same way).
    enrolment_envelope = json.loads(
        age_decrypt(tmp_path / "fed.key", (tmp_path / "m.e").read_bytes()).stdout
    )
    body = json.loads(base64.b64decode(enrolment_envelope["payload"]))["body"]
    public_raw = base64.b64decode(body["public_key"])
    assert key_id(public_raw) == enrolled["keyid"]
    key = SSlibKey.from_crypto(
        Ed25519PublicKey.from_public_bytes(public_raw), keyid=key_id(public_raw)
    )
    envelope = SslibEnvelope.from_dict(json.loads(opened.stdout))
    assert set(envelope.verify([key], 1)) == {enrolled["keyid"]}

    # The union reads its member's report (a reader the plan allows)…
    union.run("keys", "export-identity", "--out", str(tmp_path / "union.key"))
    assert age_decrypt(tmp_path / "union.key", sealed).stdout == opened.stdout
    # …but not the receipt the federation sends the member.
    fed.run("import", str(tmp_path / "r1.thidua"))
    fed.run("receipts", "--out", str(tmp_path / "receipts"))
    [receipt] = (tmp_path / "receipts").iterdir()
    assert age_decrypt(tmp_path / "union.key", receipt.read_bytes()).returncode != 0
    member.run("receipt", "import", str(receipt))

    # Another federation is not a recipient: refused as such, its database unchanged.
    other = Cli(tmp_path / "other-home", tmp_path / "other.db", key=FEDERATION_KEY)
    other.run("init", "--role", "federation", "--name", "LĐLĐ tỉnh Hà Giang")
    other.run("keys", "show")
    other_ctx = open_context(tmp_path / "other.db")
    try:
        before = table_digests(other_ctx.engine)
        refused = other.run("import", str(tmp_path / "r1.thidua"), ok=False)
        assert NOT_RECIPIENT in refused.stdout + refused.stderr
        assert set(changed_tables(before, table_digests(other_ctx.engine))) <= BOOKKEEPING
    finally:
        other_ctx.close()

    # The federation's own stanza cut out: not a recipient any more; the union's cut out:
    # the header no longer authenticates. Either way nothing changes.
    fed_ctx = open_context(database_url)
    try:
        reasons = []
        for index in (0, 1):
            cut = tmp_path / f"cut{index}.thidua"
            cut.write_bytes(without_stanza(sealed, index))
            before = table_digests(fed_ctx.engine)
            refused = fed.run("verify", str(cut), ok=False)
            assert refused.returncode == 1
            reasons.append(refused.stdout)
            fed.run("import", str(cut), ok=False)
            assert set(changed_tables(before, table_digests(fed_ctx.engine))) <= BOOKKEEPING
        assert any(NOT_RECIPIENT in reason for reason in reasons), reasons
        assert any("bị hỏng" in reason for reason in reasons), reasons
    finally:
        fed_ctx.close()
