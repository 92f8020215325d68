"""A signed report made in a workspace records the decision log's head in its manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import Workspace, append_entry, head_path, init_workspace
from stage5kit.signing import load_signing_key, verify_manifest

from .conftest import TEST_KEY_HEX

LOG_KEY = "hex:" + "ab" * 32


def _log_with_an_older_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Workspace, Path, Path]:
    """A workspace whose log holds two entries, and in ``older/`` its log and head after one."""
    for name in ("STAGE5KIT_SIGNING_KEY", "BOT_CORE_SECURITY_AUDIT_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STAGE5KIT_DECISION_LOG_KEY", LOG_KEY)
    workspace, _ = init_workspace(tmp_path / "ws")
    log, key = workspace.decision_log, load_signing_key(LOG_KEY)
    append_entry(log, category="stage5_training", payload={"n": 1}, key=key, actor="t")
    older = tmp_path / "older"
    older.mkdir()
    for path in (log, head_path(log)):
        shutil.copy2(path, older / path.name)
    append_entry(log, category="tco_report", payload={"n": 2}, key=key, actor="t")
    return workspace, log, older


@pytest.mark.slow
def test_report_manifest_holds_the_head_and_exposes_a_later_rollback(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`report run --root WS` signs the log's head; after log and head are put back to an
    older pair, `decision-log verify --expect-head REPORT` fails where plain verify cannot."""
    workspace, log, older = _log_with_an_older_copy(tmp_path, monkeypatch)
    runner = CliRunner()
    report = tmp_path / "report"
    signing = f"hex:{TEST_KEY_HEX}"
    run = ["report", "run", str(probe_notebook), "--root", str(workspace.root)]
    outcome = runner.invoke(main, [*run, "--out", str(report), "--key", signing])
    assert outcome.exit_code == 0, outcome.output
    assert verify_manifest(report, load_signing_key(signing).verification_key()).ok
    recorded = json.loads((report / "manifest.json").read_text())["metadata"]["decision_log_head"]
    assert recorded["last_seq"] == 2
    assert f'"last_digest":"{recorded["last_digest"]}"' in head_path(log).read_text()
    verify = ["decision-log", "verify", "--root", str(workspace.root)]
    expect = ["--report-key", signing, "--expect-head", str(report)]
    assert runner.invoke(main, [*verify, *expect]).exit_code == 0
    for path in (log, head_path(log)):
        shutil.copy2(older / path.name, path)
    assert runner.invoke(main, verify).exit_code == 0
    rolled = runner.invoke(main, [*verify, *expect])
    assert rolled.exit_code == 1
    assert "rolled back" in rolled.output


@pytest.mark.slow
def test_batch_manifests_hold_the_head_and_expose_a_later_rollback(
    probe_notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`report batch --root WS` (two worker processes) signs the log's head into every report;
    `decision-log verify --expect-head` accepts each, refuses one whose head was edited (exit 2)
    and, once log and head are put back to an older pair, fails with rolled back."""
    workspace, log, older = _log_with_an_older_copy(tmp_path, monkeypatch)
    grid = tmp_path / "grid.yaml"
    runs = [{"label": "one", "scale": 1}, {"label": "two", "scale": 2}]
    grid.write_text(yaml.safe_dump({"notebook": str(probe_notebook), "grid": runs}))
    runner = CliRunner()
    signing = f"hex:{TEST_KEY_HEX}"
    batch = ["report", "batch", str(grid), "--out", str(tmp_path / "out"), "--workers", "2"]
    outcome = runner.invoke(main, [*batch, "--root", str(workspace.root), "--key", signing])
    assert outcome.exit_code == 0, outcome.output
    reports = sorted(p.parent for p in (tmp_path / "out").glob("*/manifest.json"))
    assert len(reports) == 2
    verify = ["decision-log", "verify", "--root", str(workspace.root), "--report-key", signing]
    for report in reports:
        assert verify_manifest(report, load_signing_key(signing).verification_key()).ok
        manifest = json.loads((report / "manifest.json").read_text())
        recorded = manifest["metadata"]["decision_log_head"]
        assert recorded["last_seq"] == 2
        assert f'"last_digest":"{recorded["last_digest"]}"' in head_path(log).read_text()
        accepted = runner.invoke(main, [*verify, "--expect-head", str(report)])
        assert accepted.exit_code == 0, accepted.output
    tampered = reports[0] / "manifest.json"
    document = json.loads(tampered.read_text())
    document["metadata"]["decision_log_head"]["last_seq"] = 1
    tampered.write_text(json.dumps(document))
    for path in (log, head_path(log)):
        shutil.copy2(older / path.name, path)
    refused = runner.invoke(main, [*verify, "--expect-head", str(reports[0])])
    assert refused.exit_code == 2, refused.output
    assert f"{tampered}: manifest.json was modified" in refused.output
    rolled = runner.invoke(main, [*verify, "--expect-head", str(reports[1])])
    assert rolled.exit_code == 1, rolled.output
    assert "rolled back" in rolled.output
