"""The pre-signing scan finds key material in raw, hex and base64 forms, in any file."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.errors import SecretLeakError
from stage5kit.reporting.secrets_scan import ensure_no_secrets, find_secret_leaks
from stage5kit.signing import load_signing_key

FORMS = {
    "hex": lambda b: b.hex(),
    "HEX": lambda b: b.hex().upper(),
    "base64": lambda b: base64.b64encode(b).decode(),
    "urlsafe": lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="),
}


@given(
    secret=st.binary(min_size=32, max_size=32),
    form=st.sampled_from(sorted(FORMS)),
    filename=st.sampled_from(["report.ipynb", "report.html", "data.csv", "results.json"]),
)
def test_a_planted_key_is_found_in_any_form_and_file(
    tmp_path_factory: pytest.TempPathFactory, secret: bytes, form: str, filename: str
) -> None:
    """Whatever encoding of the key is planted, in whichever file, the scan names that file."""
    folder = tmp_path_factory.mktemp("scan")
    key = load_signing_key(f"hex:{secret.hex()}")
    (folder / "clean.txt").write_text("nothing to see")
    text = f"prefix {FORMS[form](secret)} suffix"
    payload = json.dumps({"outputs": [text]}) if filename.endswith(("json", "ipynb")) else text
    (folder / filename).write_text(payload)
    assert find_secret_leaks(folder, key.secret_forms()) == [folder / filename]


def test_raw_key_bytes_escaped_in_notebook_json_are_found(tmp_path: Path) -> None:
    """Raw key bytes that JSON wrote as \\u escapes in a notebook output are still found."""
    secret = bytes(range(200, 232))
    key = load_signing_key(f"hex:{secret.hex()}")
    output = {"cells": [{"outputs": [{"text": secret.decode("latin-1")}]}]}
    (tmp_path / "report.ipynb").write_text(json.dumps(output))
    assert find_secret_leaks(tmp_path, key.secret_forms()) == [tmp_path / "report.ipynb"]


def test_ensure_no_secrets_names_files_but_never_the_key(tmp_path: Path) -> None:
    """The refusal names the leaking file and does not repeat the key."""
    secret = bytes(range(32))
    key = load_signing_key(f"hex:{secret.hex()}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "out.txt").write_text(secret.hex())
    with pytest.raises(SecretLeakError) as caught:
        ensure_no_secrets(tmp_path, key.secret_forms())
    assert caught.value.paths == ("sub/out.txt",)
    assert secret.hex() not in str(caught.value)


def test_a_clean_folder_passes(tmp_path: Path) -> None:
    """A folder with no key material passes the scan."""
    key = load_signing_key(f"hex:{'ab' * 32}")
    (tmp_path / "report.html").write_text("<html>fine</html>")
    ensure_no_secrets(tmp_path, key.secret_forms())
    assert find_secret_leaks(tmp_path, key.secret_forms()) == []
