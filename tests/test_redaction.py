"""The leak scan and redact(): any 8-byte window of a key, in the forms a leak takes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.redaction import REDACTED, redact, redact_error
from stage5kit.reporting.secrets_scan import find_secret_leaks, redact_names
from stage5kit.signing import generate_keypair, load_signing_key


def _cells(*texts: str) -> str:
    """A notebook whose cells print ``texts``, one per cell."""
    cells = [{"cell_type": "code", "outputs": [{"text": t}], "metadata": {}} for t in texts]
    return json.dumps({"cells": cells})


# Each red-team form: (file name, content) built from the 32 secret bytes.
LEAKS: dict[str, Callable[[bytes], tuple[str, str]]] = {
    "halves over two cells": lambda k: ("report.ipynb", _cells(k[:16].hex(), k[16:].hex())),
    "reversed hex text": lambda k: ("out.txt", k.hex()[::-1]),
    "reversed bytes": lambda k: ("out.txt", k[::-1].hex()),
    "list of ints": lambda k: ("out.txt", str(list(k))),
    "two csv columns": lambda k: ("data.csv", f"a,b\n{k[:16].hex()},{k[16:].hex()}\n"),
    "ints over csv columns": lambda k: ("data.csv", ",".join(map(str, k)) + "\n"),
    "base64 of the second half": lambda k: ("out.txt", base64.b64encode(k[16:]).decode()),
    "urlsafe base64 of a middle slice": lambda k: (
        "out.txt",
        base64.urlsafe_b64encode(k[5:21]).decode(),
    ),
    "a quarter in upper-case hex": lambda k: ("report.html", f"<p>{k[8:16].hex().upper()}</p>"),
    "split across cell metadata": lambda k: (
        "report.ipynb",
        json.dumps(
            {"cells": [{"metadata": {"a": k[:12].hex()}}, {"metadata": {"b": k[12:].hex()}}]}
        ),
    ),
}


@given(secret=st.binary(min_size=32, max_size=32), form=st.sampled_from(sorted(LEAKS)))
def test_every_red_team_form_is_found(
    tmp_path_factory: pytest.TempPathFactory, secret: bytes, form: str
) -> None:
    """Halves, reversals, byte lists, base64 of parts: the scan names the file."""
    if len(set(secret[:8])) < 4 or len(set(secret[-8:])) < 4:
        secret = bytes(range(100, 132))  # windows of under 4 distinct bytes are not searched
    folder = tmp_path_factory.mktemp("leak")
    name, content = LEAKS[form](secret)
    (folder / name).write_text(content)
    (folder / "clean.txt").write_text("nothing here 0.3333333333 [1, 2, 3]")
    assert find_secret_leaks(folder, (secret,)) == [folder / name]


def test_an_ed25519_pem_split_in_two_is_found(tmp_path: Path) -> None:
    """The PEM body of an Ed25519 private key printed in two pieces is key material."""
    keys = generate_keypair(algorithm="ed25519", key_id="ed", out_dir=tmp_path / "keys")
    key = load_signing_key(f"file:{keys.private_key_path}")
    body = "".join(keys.private_key_path.read_text().splitlines()[1:-1])
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.ipynb").write_text(_cells(body[:32], body[32:]))
    assert find_secret_leaks(out, (key.secret_material(),)) == [out / "report.ipynb"]


def test_a_public_key_is_not_a_leak(tmp_path: Path) -> None:
    """The public half of an Ed25519 key in a report is fine."""
    keys = generate_keypair(algorithm="ed25519", key_id="ed", out_dir=tmp_path / "keys")
    key = load_signing_key(f"file:{keys.private_key_path}")
    out = tmp_path / "out"
    out.mkdir()
    assert keys.public_key_path is not None
    (out / "key.pub").write_bytes(keys.public_key_path.read_bytes())
    assert find_secret_leaks(out, (key.secret_material(),)) == []


@given(secret=st.binary(min_size=32, max_size=32), form=st.sampled_from(sorted(LEAKS)))
def test_redact_leaves_no_window_of_the_key(secret: bytes, form: str) -> None:
    """After redact(), no 8 consecutive key bytes are left in hex or as a byte list."""
    if len(set(secret[:8])) < 4 or len(set(secret[-8:])) < 4:
        secret = bytes(range(100, 132))
    _, content = LEAKS[form](secret)
    cleaned = redact(f"error: {content} (end)", (secret,))
    assert REDACTED in cleaned
    assert cleaned.startswith("error: ")
    for start in range(len(secret) - 7):
        window = secret[start : start + 8]
        assert window.hex() not in cleaned.lower()
        assert ", ".join(map(str, window)) not in cleaned


def test_redact_error_rewrites_the_message() -> None:
    """An exception's message is redacted in place; other text is kept."""
    secret = bytes(range(40, 72))
    error = ValueError(f"bad value {secret.hex()} in cell 3")
    redact_error(error, (secret,))
    assert str(error) == f"bad value {REDACTED} in cell 3"


def test_redacted_folder_names_stay_unique() -> None:
    """Two folder names that differ only by key material stay distinct after redaction."""
    secret = bytes(range(40, 72))
    names = [f"echo={secret[:16].hex()}", f"echo={secret[16:].hex()}", "echo=plain"]
    safe = redact_names(names, (secret,))
    assert safe[0] == "echo=REDACTED"
    assert len(set(safe)) == 3
    assert all(secret[:8].hex() not in n and secret[16:24].hex() not in n for n in safe)
