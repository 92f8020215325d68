"""`stage5kit decision-log append|verify|show|repair` and `stage5kit init` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stage5kit.cli import main

KEY = "hex:" + "ab" * 32
OLD_KEY = "hex:" + "cd" * 32


@pytest.fixture(autouse=True)
def no_key_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """No decision-log or signing key variable leaks in from the environment."""
    for name in (
        "STAGE5KIT_DECISION_LOG_KEY",
        "STAGE5KIT_DECISION_LOG_KEY_ID",
        "LIVE_DECISION_LOG_HMAC",
        "LIVE_DECISION_LOG_HMAC_ID",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An initialised workspace."""
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """Invoke the CLI."""
    return CliRunner().invoke(main, list(args), env=env)


def append(root: Path, *extra: str, key: str = KEY) -> Result:
    """Append one incident entry to the workspace log."""
    return run(
        "decision-log", "append", "--root", str(root), "--key", key,
        "--category", "stage5_incident", "--payload", '{"tco_kpi": {"cost_bps": 3.5}}',
        "--actor", "ops", *extra,
    )  # fmt: skip


def test_append_then_verify_in_the_workspace(root: Path) -> None:
    """append writes audit/decision_logs/runtime.jsonl; verify exits 0 saying what it checked."""
    assert append(root, "--ticket", "INC-7").exit_code == 0
    assert (root / "audit" / "decision_logs" / "runtime.jsonl").is_file()
    result = run("decision-log", "verify", "--root", str(root), "--key", KEY)
    assert result.exit_code == 0, result.output
    assert "valid (1 entries checked" in result.output


def test_key_from_the_seed_variable(root: Path) -> None:
    """LIVE_DECISION_LOG_HMAC (seed 001) gives the key when --key is absent."""
    env = {"LIVE_DECISION_LOG_HMAC": KEY}
    result = run(
        "decision-log", "append", "--root", str(root), "--category", "stage5_training",
        "--payload", "{}", env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("decision-log", "verify", "--root", str(root), env=env).exit_code == 0


def test_workspace_found_from_a_subfolder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --root the workspace above the working directory is used."""
    monkeypatch.chdir(root / "var" / "audit")
    result = run(
        "decision-log", "append", "--key", KEY, "--category", "tco_report", "--payload", "{}",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (root / "audit" / "decision_logs" / "runtime.jsonl").is_file()


def test_verify_names_the_first_bad_line_and_exits_1(root: Path) -> None:
    """An edited line makes verify exit 1 with the line number and reason, in text and JSON."""
    for _ in range(3):
        append(root)
    log = root / "audit" / "decision_logs" / "runtime.jsonl"
    log.write_bytes(log.read_bytes().replace(b'"cost_bps":3.5', b'"cost_bps":0.5', 1))
    text = run("decision-log", "verify", "--root", str(root), "--key", KEY)
    assert text.exit_code == 1
    assert "INVALID at line 1: bad HMAC" in text.output
    as_json = run("decision-log", "verify", str(log), "--key", KEY, "--format", "json")
    report = json.loads(as_json.output)
    assert (report["ok"], report["reason"], report["line"]) == (False, "bad_hmac", 1)


def test_verify_of_an_empty_log_exits_1_saying_nothing_was_verified(root: Path) -> None:
    """A fresh workspace's log is not reported valid: nothing was checked."""
    result = run("decision-log", "verify", "--root", str(root), "--key", KEY)
    assert result.exit_code == 1
    assert "nothing verified (0 entries checked)" in result.output


def test_retired_keys_in_the_workspace_verify_old_entries(root: Path) -> None:
    """After rotation, an old key file in secrets/retired/ lets old entries verify."""
    append(root, key=OLD_KEY)
    append(root, key=KEY)
    missing = run("decision-log", "verify", "--root", str(root), "--key", KEY, "--format", "json")
    assert missing.exit_code == 1
    old_id = json.loads(missing.output)["missing_key_id"]
    retired = root / "secrets" / "retired"
    retired.mkdir(parents=True)
    (retired / f"{old_id}.key").write_text("cd" * 32 + "\n")
    (retired / f"{old_id}.key").chmod(0o600)  # key files open to others are refused
    result = run("decision-log", "verify", "--root", str(root), "--key", KEY)
    assert result.exit_code == 0, result.output


def test_show_filters_and_escapes(root: Path) -> None:
    """show lists entries of a category; control characters in a payload are not printed raw."""
    append(root)
    run(
        "decision-log", "append", "--root", str(root), "--key", KEY,
        "--category", "stage5_training", "--payload", '{"note": "a\\u001b[31m\\nforged"}',
    )  # fmt: skip
    result = run("decision-log", "show", "--root", str(root), "--category", "stage5_training")
    assert result.exit_code == 0
    assert "stage5_training" in result.stdout
    assert "stage5_incident" not in result.stdout
    assert "\x1b" not in result.stdout
    assert result.stdout.count("\n") == 2
    rows = json.loads(
        run(
            "decision-log", "show", "--root", str(root), "--format", "json", "--since", "2000-01-01"
        ).stdout
    )
    assert [row["seq"] for row in rows] == [1, 2]


def test_show_with_a_bad_since_is_a_usage_error(root: Path) -> None:
    """--since that is not a date exits 2 and says the format."""
    result = run("decision-log", "show", "--root", str(root), "--since", "yesterday")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_repair_removes_a_torn_line_and_says_so(root: Path) -> None:
    """repair drops the torn tail, reports it, and the log verifies again."""
    append(root)
    log = root / "audit" / "decision_logs" / "runtime.jsonl"
    log.write_bytes(log.read_bytes() + b'{"entry":')
    result = run("decision-log", "repair", "--root", str(root))
    assert result.exit_code == 0
    assert "removed the torn last line 2 (9 bytes" in result.output
    assert run("decision-log", "verify", "--root", str(root), "--key", KEY).exit_code == 0


def test_payload_from_a_file(root: Path, tmp_path: Path) -> None:
    """--payload @FILE reads the JSON object from the file."""
    payload = tmp_path / "p.json"
    payload.write_text('{"decision_path": [{"check": "cost_bps", "passed": true}]}')
    result = run(
        "decision-log", "append", "--root", str(root), "--key", KEY,
        "--category", "stage5_incident", "--payload", f"@{payload}", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["payload"]["decision_path"][0]["check"] == "cost_bps"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ("[]", "must be a JSON object"),
        ("{", "not valid JSON"),
        ("@/no/such/payload.json", "cannot read the payload file"),
    ],
)
def test_bad_payload_exits_2_and_writes_nothing(root: Path, payload: str, message: str) -> None:
    """A bad payload is an InputError (exit 2) and the log is not created."""
    result = run(
        "decision-log", "append", "--root", str(root), "--key", KEY, "--category", "c",
        "--payload", payload,
    )  # fmt: skip
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (root / "audit" / "decision_logs" / "runtime.jsonl").exists()


def test_no_key_exits_2_and_names_the_variables(root: Path) -> None:
    """Without any key the append exits 2 naming every way to give one."""
    result = run(
        "decision-log", "append", "--root", str(root), "--category", "c", "--payload", "{}"
    )
    assert result.exit_code == 2
    assert "LIVE_DECISION_LOG_HMAC" in result.stderr


def test_a_torn_log_refuses_appends_with_exit_1(root: Path) -> None:
    """Appending to a log with a torn tail exits 1 and points at repair."""
    append(root)
    log = root / "audit" / "decision_logs" / "runtime.jsonl"
    log.write_bytes(log.read_bytes() + b"{")
    result = append(root)
    assert result.exit_code == 1
    assert "decision-log repair" in result.stderr


def test_init_with_key_lets_append_and_verify_run_without_a_key_option(root: Path) -> None:
    """After `init --with-key` the workspace key is used by default."""
    assert run("init", str(root), "--with-key").exit_code == 0
    result = run(
        "decision-log", "append", "--root", str(root), "--category", "stage5_training",
        "--payload", "{}",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert run("decision-log", "verify", "--root", str(root)).exit_code == 0
