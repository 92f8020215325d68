"""`stage5kit workshop preflight`: ok on a ready machine, a clear Polish fix when not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.compliance import Workspace
from stage5kit.reporting.preflight import run_preflight

SAMPLES = Path(__file__).resolve().parents[2] / "sample_artifacts"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "ws"), "--with-key"]).exit_code == 0
    entry = ["decision-log", "append", "--root", str(tmp_path / "ws"), "--category"]
    entry += ["stage5_incident", "--payload", '{"opis": "wzrost kosztów"}', "--ticket", "INC-1"]
    result = runner.invoke(main, entry)
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def _by_name(root: Path) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.ok, c.detail) for c in run_preflight(root=root, samples=SAMPLES)}


def test_ready_workspace_passes_every_check_but_maybe_the_browser(workspace: Path) -> None:
    checks = _by_name(workspace)
    assert checks["dziennik decyzji"] == (True, "poprawny, sprawdzone wpisy: 1")
    assert checks["klucz dziennika decyzji"][0]
    assert checks["przykładowe artefakty"][0]
    assert checks["jądro Jupyter"][0]


def test_details_do_not_repeat_the_check_name(workspace: Path, tmp_path: Path) -> None:
    """Each detail says what was found, not the row's name again; the samples in Polish plurals."""
    runner = CliRunner()
    generate = ["keys", "generate", "--algorithm", "ed25519", "--key-id", "warsztat-root"]
    assert runner.invoke(main, [*generate, "--out", str(tmp_path / "k")]).exit_code == 0
    spec = f"file:{tmp_path / 'k' / 'warsztat-root.key'}"
    checks = {c.name: c for c in run_preflight(root=workspace, samples=SAMPLES, key_spec=spec)}
    assert checks["klucz do podpisu"].detail == "warsztat-root (ed25519)"
    assert checks["jądro Jupyter"].detail.startswith("python3 (")
    signatures = len(list(SAMPLES.rglob("*.sig")))
    assert signatures >= 5
    assert checks["przykładowe artefakty"].detail.startswith(
        f"wszystkie poprawne: {signatures} podpisów, 1 paczka, przykładowy dziennik decyzji"
    )
    unchecked = {c.name: c for c in run_preflight(root=workspace, samples=SAMPLES)}
    assert (
        unchecked["klucz do podpisu"].detail == "nie podano --key; klucza do podpisu nie sprawdzono"
    )


@pytest.mark.parametrize(("where", "keys"), [(".", "klucze"), ("..", "ws/klucze")])
def test_signing_key_fix_uses_the_path_from_where_preflight_runs(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, where: str, keys: str
) -> None:
    """Run inside the workspace (as cwiczenie.md does) the fix says klucze/; from above, ws/."""
    monkeypatch.chdir(workspace / where)
    check = {
        c.name: c for c in run_preflight(root=workspace, samples=SAMPLES, key_spec="file:brak.key")
    }["klucz do podpisu"]
    assert not check.ok
    assert f"--out {keys}`" in check.detail
    assert f"`--key file:{keys}/warsztat-$(whoami).key`" in check.detail


def test_missing_decision_log_key_names_the_fix(workspace: Path) -> None:
    Workspace(root=workspace).decision_log_key.unlink()
    ok, detail = _by_name(workspace)["klucz dziennika decyzji"]
    assert not ok
    assert "stage5kit init --with-key" in detail
    assert "0600" in detail


def test_edited_decision_log_fails_with_its_line(workspace: Path) -> None:
    log = Workspace(root=workspace).decision_log
    log.write_bytes(log.read_bytes().replace(b"wzrost", b"spadek"))
    ok, detail = _by_name(workspace)["dziennik decyzji"]
    assert not ok
    assert "wiersz 1" in detail
    assert "edytował" in detail


def test_tampered_sample_artifact_is_named(workspace: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy)
    summary = copy / "tco" / "tco_summary.json"
    summary.write_text(summary.read_text(encoding="utf-8") + " ", encoding="utf-8")
    checks = {c.name: c for c in run_preflight(root=workspace, samples=copy)}
    assert not checks["przykładowe artefakty"].ok
    assert "tco_summary.json" in checks["przykładowe artefakty"].detail


def test_samples_without_their_public_key_fail_as_a_row(workspace: Path, tmp_path: Path) -> None:
    """A missing demo public key is one failed row with its fix, not an abort of preflight."""
    import shutil

    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy)
    (copy / "demo_key" / "DEMO-KEY-NOT-FOR-PRODUCTION.pub").unlink()
    checks = {c.name: c for c in run_preflight(root=workspace, samples=copy)}
    assert not checks["przykładowe artefakty"].ok
    assert "make sample" in checks["przykładowe artefakty"].detail
    assert checks["dziennik decyzji"].ok


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("smoke/sample_incident.json", b'"INC-SAMPLE-1"', b'"INC-SAMPLE-2"'),
        ("decision_log/runtime.jsonl", b'"seed":7', b'"seed":8'),
    ],
)
def test_tampered_compliance_sample_is_named(
    workspace: Path, tmp_path: Path, name: str, old: bytes, new: bytes
) -> None:
    """An edited smoke incident (smoke.sig) or sample decision log fails, naming the file."""
    import shutil

    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy)
    target = copy / name
    target.write_bytes(target.read_bytes().replace(old, new, 1))
    check = {c.name: c for c in run_preflight(root=workspace, samples=copy)}[
        "przykładowe artefakty"
    ]
    assert not check.ok
    shown = "smoke/smoke.sig" if name.startswith("smoke") else name
    assert shown in check.detail
    assert "make sample" in check.detail


def test_tampered_sample_bundle_is_named(workspace: Path, tmp_path: Path) -> None:
    """A stage5_bundle.zip with a file changed inside fails, naming the bundle."""
    import shutil
    import zipfile

    copy = tmp_path / "samples"
    shutil.copytree(SAMPLES, copy)
    bundle = copy / "observability" / "stage5_bundle.zip"
    with zipfile.ZipFile(bundle) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    first = next(n for n in sorted(members) if n.endswith(".json") and "manifest" not in n)
    members[first] += b" "
    with zipfile.ZipFile(bundle, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    check = {c.name: c for c in run_preflight(root=workspace, samples=copy)}[
        "przykładowe artefakty"
    ]
    assert not check.ok
    assert "observability/stage5_bundle.zip" in check.detail


def test_cli_exits_1_and_prints_the_fix_for_a_missing_signing_key(workspace: Path) -> None:
    args = ["workshop", "preflight", "--root", str(workspace), "--key", "file:brak.key"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "FAIL  klucz do podpisu" in result.output
    assert "stage5kit keys generate" in result.output
