"""`stage5kit keys generate`, `sign` and `verify`: exit codes, output, and no key bytes anywhere."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stage5kit.cli import main
from stage5kit.signing import load_signing_key

SECRET = bytes(range(200, 240))


def _run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, [str(a) for a in args])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder with keys/ (one HMAC and one Ed25519 key), a file and a report folder."""
    assert (
        _run(
            "keys", "generate", "--algorithm", "hmac", "--key-id", "h", "--out", tmp_path / "keys"
        ).exit_code
        == 0
    )
    assert (
        _run(
            "keys",
            "generate",
            "--algorithm",
            "ed25519",
            "--key-id",
            "e",
            "--out",
            tmp_path / "keys",
        ).exit_code
        == 0
    )
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "index.html").write_text("<p>ok</p>")
    return tmp_path


def test_keys_generate_prints_the_paths(tmp_path: Path) -> None:
    """keys generate prints where the private and public keys went and exits 0."""
    result = _run("keys", "generate", "--algorithm", "ed25519", "--key-id", "k1", "--out", tmp_path)
    assert result.exit_code == 0
    assert f"private key: {tmp_path / 'k1.key'}" in result.stdout
    assert f"public key: {tmp_path / 'k1.pub'}" in result.stdout


def test_keys_generate_refuses_overwrite_with_exit_2(tmp_path: Path) -> None:
    """Generating over an existing key exits 2 with a KeyMaterialError."""
    args = ("keys", "generate", "--algorithm", "hmac", "--key-id", "k", "--out", tmp_path)
    assert _run(*args).exit_code == 0
    result = _run(*args)
    assert result.exit_code == 2
    assert "KeyMaterialError" in result.stderr


def test_sign_and_verify_a_file_with_ed25519(workspace: Path) -> None:
    """A file signed with the private key verifies with --public-key: exit 0, status ok."""
    signed = _run("sign", workspace / "data.csv", "--key", workspace / "keys" / "e.key")
    assert (signed.exit_code, signed.stdout.strip()) == (0, f"{workspace / 'data.csv.sig'}")
    result = _run("verify", workspace / "data.csv", "--public-key", workspace / "keys" / "e.pub")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ")
    assert "(key id e)" in result.stdout


def test_sign_and_verify_a_folder_as_json(workspace: Path) -> None:
    """A signed folder verifies; --format json gives the report on stdout."""
    key = f"file:{workspace / 'keys' / 'h.key'}"
    assert _run("sign", workspace / "report", "--key", key).exit_code == 0
    result = _run("verify", workspace / "report", "--key", key, "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["status"], report["key_id"], report["modified"]) == ("ok", "h", [])


def test_tampered_folder_exits_1_and_lists_files(workspace: Path) -> None:
    """A modified file in a signed folder exits 1 and names the file."""
    key = str(workspace / "keys" / "h.key")
    _run("sign", workspace / "report", "--key", key)
    (workspace / "report" / "index.html").write_text("<p>changed</p>")
    result = _run("verify", workspace / "report", "--key", key)
    assert result.exit_code == 1
    assert "  modified: index.html" in result.stdout


def test_unsigned_file_exits_1_as_missing(workspace: Path) -> None:
    """Verifying a file with no .sig exits 1 with status missing."""
    result = _run(
        "verify", workspace / "data.csv", "--key", workspace / "keys" / "h.key", "--format", "json"
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["status"] == "missing"


def test_wrong_key_exits_1_with_the_opaque_message(workspace: Path) -> None:
    """A file verified with another key exits 1 saying only that the signature does not verify."""
    _run("sign", workspace / "data.csv", "--key", workspace / "keys" / "h.key")
    result = _run("verify", workspace / "data.csv", "--key", f"hex:{SECRET.hex()}")
    assert result.exit_code == 1
    assert result.stdout.strip() == f"invalid: {workspace / 'data.csv'}: signature does not verify"


def test_sign_with_key_id_records_it(workspace: Path) -> None:
    """--key-id overrides the key id recorded in the signature."""
    _run("sign", workspace / "data.csv", "--key", f"hex:{SECRET.hex()}", "--key-id", "ops-7")
    result = _run(
        "verify", workspace / "data.csv", "--key", f"hex:{SECRET.hex()}", "--format", "json"
    )
    assert json.loads(result.stdout)["key_id"] == "ops-7"


def test_default_key_from_environment(workspace: Path) -> None:
    """With no --key, sign and verify use STAGE5KIT_SIGNING_KEY and its _ID."""
    env = {
        "STAGE5KIT_SIGNING_KEY": f"base64:{base64.b64encode(SECRET).decode()}",
        "STAGE5KIT_SIGNING_KEY_ID": "envkey",
    }
    assert _run("sign", workspace / "data.csv", env=env).exit_code == 0
    result = _run("verify", workspace / "data.csv", "--format", "json", env=env)
    assert json.loads(result.stdout)["key_id"] == "envkey"


def test_key_and_public_key_together_exit_2(workspace: Path) -> None:
    """--key and --public-key together are a usage error (exit 2)."""
    keys = workspace / "keys"
    result = _run(
        "verify", workspace / "data.csv", "--key", keys / "h.key", "--public-key", keys / "e.pub"
    )
    assert result.exit_code == 2


def test_verify_of_a_missing_path_is_reported_missing(workspace: Path) -> None:
    """A PATH that does not exist (nor its signature) is a finding: status missing, exit 1."""
    result = _run("verify", workspace / "nope.csv", "--key", workspace / "keys" / "h.key")
    assert result.exit_code == 1
    assert result.stdout.startswith("missing: ")
    assert "file not found" in result.stdout


BAD_KEY_SPECS = {
    "malformed hex": f"hex:{SECRET.hex()}xy",
    "odd hex": f"hex:{SECRET.hex()}a",
    "malformed base64": f"base64:{base64.b64encode(SECRET).decode()}*",
    "too short": f"hex:{SECRET[:16].hex()}",
    "missing file": "file:/nonexistent/stage5kit/key.key",
    "unset variable": "env:STAGE5KIT_TEST_NEVER_SET",
    "key without prefix": SECRET.hex(),
}


@pytest.mark.parametrize("spec", BAD_KEY_SPECS.values(), ids=BAD_KEY_SPECS.keys())
@pytest.mark.parametrize("command", ["sign", "verify"])
def test_bad_key_exits_2_naming_the_spec_kind(workspace: Path, command: str, spec: str) -> None:
    """Each bad key spec exits 2 with a one-line KeyMaterialError and no traceback."""
    result = _run(command, workspace / "data.csv", "--key", spec)
    assert result.exit_code == 2
    assert result.stderr.startswith("KeyMaterialError: ")
    assert "Traceback" not in result.stderr


def test_no_key_at_all_exits_2_with_instructions(workspace: Path) -> None:
    """Signing with no --key and no variable exits 2 and says how to give a key."""
    result = _run("sign", workspace / "data.csv")
    assert result.exit_code == 2
    assert "STAGE5KIT_SIGNING_KEY" in result.stderr


def test_unreadable_key_file_exits_2(workspace: Path) -> None:
    """A key path that is a folder (unreadable as a key) exits 2."""
    result = _run("sign", workspace / "data.csv", "--key", workspace / "keys")
    assert (result.exit_code, result.stderr.split(":")[0]) == (2, "KeyMaterialError")


def _key_forms(secret: bytes) -> list[bytes]:
    forms = [secret.hex().encode(), secret.hex().upper().encode()]
    for encoded in (base64.b64encode(secret), base64.urlsafe_b64encode(secret)):
        forms += [encoded, encoded.rstrip(b"=")]
    return forms


def test_no_signing_flow_output_contains_key_bytes(workspace: Path) -> None:
    """Every stdout/stderr and error message of the signing flows is free of key bytes."""
    keys = workspace / "keys"
    hmac_key = load_signing_key(str(keys / "h.key"))
    ed_key = load_signing_key(str(keys / "e.key"))
    hex_spec, b64_spec = f"hex:{SECRET.hex()}", f"base64:{base64.b64encode(SECRET).decode()}"
    env = {"MY_SIGNING_KEY": hex_spec, "STAGE5KIT_SIGNING_KEY": b64_spec}
    runs = [
        ("keys", "generate", "--algorithm", "hmac", "--key-id", "x", "--out", keys),
        ("keys", "generate", "--algorithm", "ed25519", "--key-id", "y", "--out", keys),
        ("keys", "generate", "--algorithm", "ed25519", "--key-id", "y", "--out", keys),
    ]
    for spec in (
        hex_spec,
        b64_spec,
        f"file:{keys / 'h.key'}",
        str(keys / "e.key"),
        "env:MY_SIGNING_KEY",
    ):
        runs.append(("sign", workspace / "data.csv", workspace / "report", "--key", spec))
        for target in (workspace / "data.csv", workspace / "report"):
            runs.append(("verify", target, "--key", spec))
            runs.append(("verify", target, "--key", spec, "--format", "json"))
    runs.append(("sign", workspace / "data.csv"))
    runs.append(("verify", workspace / "data.csv", "--public-key", keys / "e.pub"))
    runs.append(("verify", workspace / "data.csv", "--public-key", keys / "h.key"))
    runs += [("sign", workspace / "data.csv", "--key", spec) for spec in BAD_KEY_SPECS.values()]
    runs.append(("sign", workspace / "data.csv", "--key", f"hex:{SECRET[:20].hex()}"))
    runs.append(("sign", workspace / "data.csv", "--key", SECRET.hex() + "0"))
    outputs = []
    for args in runs:
        result = CliRunner(env=env).invoke(main, [str(a) for a in args])
        outputs += [result.stdout_bytes, result.stderr_bytes, repr(result.exception).encode()]
    secrets = [SECRET, SECRET[:16], SECRET[:20]]
    forms = [form for s in secrets for form in _key_forms(s)]
    forms += list(hmac_key.secret_forms()) + list(ed_key.secret_forms())
    for generated in ("x.key", "y.key"):
        forms += list(load_signing_key(str(keys / generated)).secret_forms())
    leaked = [form for form in forms for output in outputs if form in output]
    everything = b"\n".join(outputs)
    assert everything.count(b"KeyMaterialError: ") >= len(BAD_KEY_SPECS)
    assert everything.count(b"ok: ") >= 5
    assert leaked == []


def test_cli_runs_as_a_process_with_exit_codes(workspace: Path) -> None:
    """As a real process: sign exits 0, verify of a tampered file 1, a bad key 2."""
    env = dict(os.environ)  # conftest.py has removed the default key variables
    command = [sys.executable, "-m", "stage5kit"]
    key = str(workspace / "keys" / "h.key")
    target = str(workspace / "data.csv")
    signed = subprocess.run(
        [*command, "sign", target, "--key", key], capture_output=True, env=env, check=False
    )
    (workspace / "data.csv").write_text("changed")
    tampered = subprocess.run(
        [*command, "verify", target, "--key", key], capture_output=True, env=env, check=False
    )
    bad = subprocess.run(
        [*command, "verify", target, "--key", "hex:00"], capture_output=True, env=env, check=False
    )
    assert (signed.returncode, tampered.returncode, bad.returncode) == (0, 1, 2)
    assert b"Traceback" not in bad.stderr


def test_verify_given_the_signature_verifies_the_signed_file(workspace: Path) -> None:
    """`verify X.sig` verifies X, says so on stderr, and names X in the report."""
    key = f"file:{workspace / 'keys' / 'h.key'}"
    assert _run("sign", workspace / "data.csv", "--key", key).exit_code == 0
    result = _run("verify", workspace / "data.csv.sig", "--key", key, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["path"] == str(workspace / "data.csv")
    assert f"verifying {workspace / 'data.csv'}" in result.stderr
    (workspace / "data.csv").write_text("a,b\n1,3\n")
    tampered = _run("verify", workspace / "data.csv.sig", "--key", key)
    assert tampered.exit_code == 1
    assert "  modified: data.csv" in tampered.stdout


def test_verify_given_a_manifest_signature_verifies_the_folder(workspace: Path) -> None:
    """`verify DIR/manifest.json.sig` verifies the whole folder, so a changed file is named."""
    key = f"file:{workspace / 'keys' / 'h.key'}"
    assert _run("sign", workspace / "report", "--key", key).exit_code == 0
    (workspace / "report" / "index.html").write_text("<p>changed</p>")
    result = _run("verify", workspace / "report" / "manifest.json.sig", "--key", key)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"invalid: {workspace / 'report'}:")
    assert "  modified: index.html" in result.stdout
