"""`stage5kit sample artifacts` rebuilds the committed sample_artifacts/ byte for byte, signed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.cli.sample_artifacts import FILES, _run_stage5kit
from stage5kit.compliance.decision_log import head_path, read_entries
from stage5kit.compliance.samples import SAMPLE_DAY, SAMPLE_INCIDENT_ID
from stage5kit.compliance.smoke import verify_smoke
from stage5kit.errors import Stage5Error
from stage5kit.signing import load_verification_key

COMMITTED = Path(__file__).resolve().parents[2] / "sample_artifacts"
DEMO_PUBLIC_KEY = COMMITTED / "demo_key" / "DEMO-KEY-NOT-FOR-PRODUCTION.pub"
DEMO_LOG_KEY = COMMITTED / "demo_key" / "DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key"
SMOKE_SIGNATURE = "smoke/smoke.sig"


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative POSIX path, with its bytes."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh sample_artifacts/ made by the command in a temp folder."""
    out = tmp_path_factory.mktemp("samples") / "sample_artifacts"
    result = CliRunner().invoke(main, ["sample", "artifacts", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_rebuild_is_byte_identical_to_the_committed_folder(rebuilt: Path) -> None:
    """The same files, with the same bytes, as the committed sample_artifacts/."""
    fresh, committed = _tree(rebuilt), _tree(COMMITTED)
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], f"regenerate with `make sample`: {changed}"


def test_readme_lists_every_file(rebuilt: Path) -> None:
    """README.md names each file of the folder, and nothing is left undescribed."""
    readme = (rebuilt / "README.md").read_text(encoding="utf-8")
    assert sorted(_tree(rebuilt)) == sorted(name for name, _, _ in FILES)
    for name, _, _ in FILES:
        assert f"| `{name}` |" in readme


def test_demo_key_is_marked_as_such(rebuilt: Path) -> None:
    """Both READMEs say the key is a public demo key, and the key files carry the mark."""
    assert "DEMO KEY - NOT FOR PRODUCTION" in (rebuilt / "README.md").read_text()
    note = (rebuilt / "demo_key" / "README.txt").read_text()
    assert "NOT FOR PRODUCTION" in note
    assert "PUBLIC" in note
    assert "DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key" in note
    assert "DEMO ONLY" in note
    assert {p.name for p in (rebuilt / "demo_key").iterdir()} == {
        "DEMO-KEY-NOT-FOR-PRODUCTION.key",
        "DEMO-KEY-NOT-FOR-PRODUCTION.pub",
        "DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key",
        "README.txt",
    }


def test_summaries_record_paths_inside_the_folder(rebuilt: Path) -> None:
    """No summary names the folder it was built in: input paths are relative to it."""
    for summary in ("tco/tco_summary.json", "stress/stress_summary.json"):
        text = (rebuilt / summary).read_text()
        assert str(rebuilt.parent) not in text
        assert '"inputs/trades.csv"' in text


@pytest.mark.parametrize(
    "signed",
    sorted(
        p.relative_to(COMMITTED).as_posix()[: -len(".sig")]
        for p in COMMITTED.rglob("*.sig")
        if p.relative_to(COMMITTED).as_posix() != SMOKE_SIGNATURE
    ),
)
def test_committed_signature_verifies_with_the_demo_public_key(signed: str) -> None:
    """`stage5kit verify FILE --public-key DEMO.pub` says ok for every committed signed file."""
    result = CliRunner().invoke(
        main, ["verify", str(COMMITTED / signed), "--public-key", str(DEMO_PUBLIC_KEY)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert "DEMO-KEY-NOT-FOR-PRODUCTION" in result.output


def test_every_output_is_signed() -> None:
    """Each TCO and stress output file has its .sig beside it."""
    signed = {p.name for p in COMMITTED.rglob("*.sig")}
    assert signed == {
        "tco_report.csv.sig",
        "tco_summary.json.sig",
        "stress_results.csv.sig",
        "stress_summary.json.sig",
        "smoke.sig",
    }


def test_smoke_incident_verifies_against_smoke_sig() -> None:
    """smoke.sig signs sample_incident.json with the demo key; one changed byte fails it."""
    key = load_verification_key(public_key=DEMO_PUBLIC_KEY)
    assert verify_smoke(COMMITTED / "smoke", key).ok


def test_smoke_incident_has_fixed_id_and_decision_paths() -> None:
    """The sample incident carries the fixed id, its ticket and a decision_path per order."""
    incident = json.loads((COMMITTED / "smoke" / "sample_incident.json").read_text())
    assert incident["incident_id"] == SAMPLE_INCIDENT_ID
    assert incident["ticket"] == "INC-SAMPLE-1"
    assert all(order["decision_path"] for order in incident["candidates"])
    assert "tco_kpi" in incident


def test_sample_decision_log_verifies_and_holds_incident_and_training() -> None:
    """`decision-log verify` with the demo log key: ok; entries stage5_incident, stage5_training."""
    log = COMMITTED / "decision_log" / "runtime.jsonl"
    result = CliRunner().invoke(
        main, ["decision-log", "verify", str(log), "--key", f"file:{DEMO_LOG_KEY}"]
    )
    assert result.exit_code == 0, result.output
    entries = read_entries(log)
    assert [e.category for e in entries] == ["stage5_incident", "stage5_training"]
    assert entries[0].ticket == "INC-SAMPLE-1"
    assert entries[1].payload["kind"] == "exercise"
    assert head_path(log).is_file()


def test_sample_decision_log_edit_is_caught(tmp_path: Path) -> None:
    """The sample log with one payload byte changed fails verification (exit 1)."""
    folder = tmp_path / "decision_log"
    shutil.copytree(COMMITTED / "decision_log", folder)
    log = folder / "runtime.jsonl"
    log.write_bytes(log.read_bytes().replace(b'"seed":7', b'"seed":8'))
    result = CliRunner().invoke(
        main, ["decision-log", "verify", str(log), "--key", f"file:{DEMO_LOG_KEY}"]
    )
    assert result.exit_code == 1, result.output


def test_sample_key_registry_has_due_and_overdue_keys() -> None:
    """On 2026-05-01 the sample registry holds two keys each ok, due and overdue."""
    result = CliRunner().invoke(
        main,
        [
            "keys",
            "status",
            "--registry",
            str(COMMITTED / "keys" / "key_rotation.json"),
            "--today",
            SAMPLE_DAY.isoformat(),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    assert (summary["ok"], summary["due"], summary["overdue"]) == (2, 2, 2)


def test_sample_bundle_verifies_with_the_demo_public_key() -> None:
    """stage5_bundle.zip verifies without unpacking, signed by the demo key."""
    result = CliRunner().invoke(
        main,
        [
            "verify",
            str(COMMITTED / "observability" / "stage5_bundle.zip"),
            "--public-key",
            str(DEMO_PUBLIC_KEY),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "DEMO-KEY-NOT-FOR-PRODUCTION" in result.output


def test_rebuild_replaces_the_folder_whole(tmp_path: Path) -> None:
    """A stray file in the target folder is gone after a rebuild."""
    out = tmp_path / "samples"
    out.mkdir()
    (out / "stray.txt").write_text("left over")
    result = CliRunner().invoke(main, ["sample", "artifacts", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "stray.txt").exists()
    assert (out / "tco" / "tco_summary.json.sig").is_file()


def test_a_failing_step_names_the_command_and_its_error(tmp_path: Path) -> None:
    """A sub-command that fails raises Stage5Error with its command line and last error line."""
    with pytest.raises(Stage5Error, match=r"stage5kit tco missing\.csv --out x failed with exit"):
        _run_stage5kit(("tco", "missing.csv", "--out", "x"), cwd=tmp_path)
