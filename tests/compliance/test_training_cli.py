"""`stage5kit training log|verify`: seed 000's example, end to end, Polish names intact."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import init_workspace, read_entries, verify_log
from stage5kit.compliance.log_keys import load_keyring
from stage5kit.signing import generate_keypair

NAMES = ("Jan Nowak", "Ewa Wiśniewska", "Zofia Łęcka", "Jan Żółć")


def _seed_example(root):
    """Run seed 000's log_stage5_training.py example (with more participants) in ``root``."""
    init_workspace(root)
    generate_keypair(algorithm="hmac", key_id="stage5_training", out_dir=root / "secrets")
    generate_keypair(algorithm="hmac", key_id="decision_log_stage5", out_dir=root / "secrets")
    slides = root / "var" / "audit" / "training" / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4 slajdy")
    participants = [arg for name in NAMES for arg in ("--participant", name)]
    return CliRunner().invoke(
        main,
        [
            "training",
            "log",
            "--facilitator",
            "Anna Kowalska",
            "--location",
            "Sala 3A",
            "--training-date",
            "2024-05-18",
            *participants,
            "--material",
            "Prezentacja PDF",
            "--artifact",
            str(slides),
            "--log-hmac-key-file",
            str(root / "secrets" / "stage5_training.key"),
            "--decision-log-path",
            str(root / "audit" / "decision_logs" / "runtime.jsonl"),
            "--decision-log-hmac-key-file",
            str(root / "secrets" / "decision_log_stage5.key"),
            "--update-doc",
            str(root / "docs" / "training" / "stage5_workshop.md"),
            "--root",
            str(root),
        ],
    )


def test_seed_example_writes_register_artifacts_decision_log_and_doc(tmp_path):
    """One run: signed register entry, artifact copied by date, stage5_training entry, doc."""
    result = _seed_example(tmp_path)
    assert result.exit_code == 0, result.output
    register = tmp_path / "var" / "audit" / "training" / "stage5_training_log.jsonl"
    for name in NAMES:
        assert name.encode() in register.read_bytes()
    assert (tmp_path / "var" / "audit" / "training" / "2024-05-18" / "slides.pdf").is_file()
    log = tmp_path / "audit" / "decision_logs" / "runtime.jsonl"
    ring = load_keyring(f"file:{tmp_path / 'secrets' / 'decision_log_stage5.key'}")
    assert verify_log(log, keyring=ring).ok
    (entry,) = read_entries(log, category="stage5_training")
    assert entry.actor == "Anna Kowalska"
    assert tuple(entry.payload["participants"]) == NAMES
    assert entry.payload["location"] == "Sala 3A"
    assert entry.payload["materials"] == ["Prezentacja PDF"]
    assert "Ewa Wiśniewska" in log.read_text(encoding="utf-8")
    doc = (tmp_path / "docs" / "training" / "stage5_workshop.md").read_text(encoding="utf-8")
    assert "Zofia Łęcka" in doc


def test_training_verify_passes_then_names_the_edited_line(tmp_path):
    """verify exits 0 on the fresh register and 1 naming line 1 after an edit."""
    assert _seed_example(tmp_path).exit_code == 0
    key = str(tmp_path / "secrets" / "stage5_training.key")
    args = ["training", "verify", "--log-hmac-key-file", key, "--root", str(tmp_path)]
    ok = CliRunner().invoke(main, [*args, "--format", "json"])
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["status"] == "ok"
    register = tmp_path / "var" / "audit" / "training" / "stage5_training_log.jsonl"
    register.write_bytes(register.read_bytes().replace("Żółć".encode(), b"Zolc"))
    bad = CliRunner().invoke(main, args)
    assert bad.exit_code == 1
    assert "line 1: MAC does not verify" in bad.stdout


def test_bad_training_date_and_missing_key_file_exit_2_writing_nothing(tmp_path):
    """A date that is not YYYY-MM-DD and a missing key file are usage errors (exit 2)."""
    init_workspace(tmp_path)
    base = [
        "training",
        "log",
        "--facilitator",
        "A",
        "--location",
        "B",
        "--participant",
        "C",
        "--root",
        str(tmp_path),
    ]
    bad_date = CliRunner().invoke(
        main,
        [*base, "--training-date", "18.05.2024", "--log-hmac-key-file", str(tmp_path / "k.key")],
    )
    assert bad_date.exit_code == 2
    no_key = CliRunner().invoke(
        main,
        [*base, "--training-date", "2024-05-18", "--log-hmac-key-file", str(tmp_path / "none.key")],
    )
    assert no_key.exit_code == 2
    assert "no such key file" in no_key.stderr
    assert list((tmp_path / "var" / "audit" / "training").iterdir()) == []
