"""A notebook cannot reach the signing key, and no key material leaves a report run.

The hostile notebook (``hostile.py``) hunts through ``/proc`` of every ancestor, every path
it finds there and its environment, and leaks whatever it finds split, reversed and as
byte lists; the report must still be produced and signed with no 8-byte window of the key
in the report, stdout, stderr or any message. The other tests replay the red-team cases
of issue 9 one by one.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.reporting import read_results
from stage5kit.reporting.kernel_launch import landlock_abi
from stage5kit.signing import generate_keypair, load_signing_key, verify_manifest

KEY_VARIABLES = ("STAGE5KIT_SIGNING_KEY", "BOT_CORE_SECURITY_AUDIT_KEY")
pytestmark = pytest.mark.slow

# The hostile notebook: walks its ancestors through /proc, reads their environ and cmdline,
# tries every path it sees there (and the paths it was written to know) and its own
# environment, then prints all it found split in halves, reversed and as byte lists, and
# saves it in loot.csv.
HUNT = """\
import base64, csv, os, re
from pathlib import Path
from stage5kit.reporting import record

found, tried = [], {"ancestors": 0, "environ": 0, "cmdline": 0, "paths": 0}

def grab(path):
    try:
        data = Path(path).read_bytes()
    except OSError:
        return b""
    found.append(data)
    return data

def parent_of(pid):
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return os.getppid() if pid == os.getpid() else 0

pid, seen = os.getpid(), []
while pid > 1 and pid not in seen:
    seen.append(pid)
    pid = parent_of(pid)
tried["ancestors"] = len(seen) - 1
texts = [v for v in os.environ.values()]
for pid in seen:
    for name in ("environ", "cmdline"):
        data = grab(f"/proc/{pid}/{name}")
        tried[name] += bool(data)
        texts += [part.decode("latin-1") for part in data.split(b"\\0") if part]
paths = set(KNOWN_PATHS)
for text in texts:
    for token in re.split(r"[\\s=:,]+", text):
        if token.startswith("/"):
            paths.add(token)
for path in sorted(paths):
    if Path(path).is_file():
        tried["paths"] += bool(grab(path))
for key, value in tried.items():
    record(f"tried_{key}", value)
record("known_path_read", any(Path(p).is_file() and grab(p) for p in KNOWN_PATHS))
"""

LEAK = """\
rows = []
for blob in found + [t.encode("latin-1") for t in texts]:
    for token in re.findall(rb"[0-9A-Za-z+/=_:-]{16,}", blob) + [blob[:4096]]:
        half = len(token) // 2
        print(token[:half].decode("latin-1"))
        print(token[half:].decode("latin-1"))
        print(token[::-1].decode("latin-1"))
        print(list(token[:64]))
        rows.append([token[:half].decode("latin-1"), token[half:].decode("latin-1")])
        try:
            raw = bytes.fromhex(token.decode().split(":")[-1])
            print(raw[::-1].hex(), list(raw), base64.b64encode(raw[16:]).decode())
            rows.append([raw[:16].hex(), raw[16:].hex(), str(list(raw))])
        except ValueError:
            pass
with open("loot.csv", "w", newline="") as handle:
    csv.writer(handle).writerows(rows)
record("loot_rows", len(rows))
"""

RAISE = """\
if raise_text:
    raise ValueError(raise_text)
"""


def write_hostile_notebook(path: Path, *, known_paths: list[str]) -> Path:
    """Write the hostile notebook to ``path``; ``known_paths`` are paths its author guessed."""
    cells = [
        nbformat.v4.new_code_cell(
            f'raise_text = ""  # raised as a ValueError when set\nKNOWN_PATHS = {known_paths!r}',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell(HUNT),
        nbformat.v4.new_code_cell(LEAK),
        nbformat.v4.new_code_cell(RAISE),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, path)
    return path


def _no_landlock_reason() -> str | None:
    """Why the file-key case cannot run here; with STAGE5KIT_REQUIRE_LANDLOCK=1, a failure."""
    if landlock_abi() > 0:
        return None
    reason = "Landlock is not available on this system (Linux 5.13+ with Landlock enabled)"
    if os.environ.get("STAGE5KIT_REQUIRE_LANDLOCK") == "1":
        pytest.fail(f"STAGE5KIT_REQUIRE_LANDLOCK=1 but {reason}")
    return reason


def key_windows(secret: bytes) -> list[str]:
    """Every form of every 8-byte window of ``secret`` a leak could take, as text to look for."""
    forms: list[str] = []
    for start in range(len(secret) - 7):
        for window in (secret[start : start + 8], secret[start : start + 8][::-1]):
            hexed = window.hex()
            forms += [hexed, hexed.upper(), hexed[::-1]]
            forms.append(base64.b64encode(window).decode()[:10])
            forms += [", ".join(map(str, window)), ",".join(map(str, window))]
            forms.append(window.decode("latin-1"))
    return forms


def assert_no_key(secret: bytes, *texts: str) -> None:
    """No text holds an 8-byte window of ``secret`` in any form."""
    forms = key_windows(secret)
    for text in texts:
        lowered = text.lower()
        hits = [f for f in forms if f in text or f.lower() in lowered]
        assert not hits, f"{len(hits)} key window(s) leaked"


def _folder_text(folder: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("latin-1") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES}


def _run_stage5kit(
    args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stage5kit", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture
def hostile_setup(tmp_path: Path) -> tuple[Path, Path, bytes]:
    """A key file outside the notebook's folders, and the hostile notebook that knows its path."""
    keys = generate_keypair(algorithm="hmac", key_id="ops", out_dir=(tmp_path / "keys"))
    secret = load_signing_key(f"file:{keys.private_key_path}").secret_material()
    (tmp_path / "nb").mkdir()
    notebook = write_hostile_notebook(
        tmp_path / "nb" / "hostile.ipynb", known_paths=[str(keys.private_key_path)]
    )
    return notebook, keys.private_key_path, secret


def _check_report(out: Path, done: subprocess.CompletedProcess[str], secret: bytes) -> None:
    assert done.returncode == 0, done.stderr[-2000:]
    key = load_signing_key("hex:" + secret.hex())
    assert verify_manifest(out, key.verification_key()).ok
    results = read_results(out)
    assert results["tried_ancestors"] >= 1
    assert results["known_path_read"] is False
    assert (out / "loot.csv").is_file()
    assert_no_key(secret, _folder_text(out), done.stdout, done.stderr)


def test_hostile_notebook_cannot_reach_a_key_file(
    hostile_setup: tuple[Path, Path, bytes], tmp_path: Path
) -> None:
    """--key file:<path>: the path is on the command line, yet the notebook cannot read it."""
    reason = _no_landlock_reason()
    if reason:
        pytest.skip(reason)
    notebook, key_file, secret = hostile_setup
    out = tmp_path / "out-file"
    args = ["report", "run", str(notebook), "--out", str(out), "--key", f"file:{key_file}"]
    done = _run_stage5kit(args, _clean_env(), tmp_path)
    _check_report(out, done, secret)


def test_hostile_notebook_cannot_reach_a_key_in_the_environment(
    hostile_setup: tuple[Path, Path, bytes], tmp_path: Path
) -> None:
    """STAGE5KIT_SIGNING_KEY set only for the stage5kit process stays out of the notebook."""
    if landlock_abi() == 0 and os.geteuid() == 0:
        pytest.skip("running as root without Landlock: root reads non-dumpable processes")
    notebook, _, secret = hostile_setup
    out = tmp_path / "out-env"
    env = {**_clean_env(), "STAGE5KIT_SIGNING_KEY": "hex:" + secret.hex()}
    done = _run_stage5kit(["report", "run", str(notebook), "--out", str(out)], env, tmp_path)
    _check_report(out, done, secret)


def test_env_spec_naming_another_variable_is_not_passed_to_the_kernel(
    hostile_setup: tuple[Path, Path, bytes], tmp_path: Path
) -> None:
    """--key env:MYKEY with MYKEY=file:<path>: MYKEY itself never reaches the kernel."""
    notebook, key_file, secret = hostile_setup
    out = tmp_path / "out-myk"
    env = {**_clean_env(), "MYKEY": f"file:{key_file}"}
    args = ["report", "run", str(notebook), "--out", str(out), "--key", "env:MYKEY"]
    done = _run_stage5kit(args, env, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    notebook_text = (out / "report.ipynb").read_text()
    assert "MYKEY" not in notebook_text
    assert str(key_file) not in (out / "loot.csv").read_text()
    assert_no_key(secret, _folder_text(out), done.stdout, done.stderr)


def test_failing_notebook_with_the_key_is_not_kept_and_stderr_is_clean(
    probe_notebook: Path, tmp_path: Path
) -> None:
    """-p echo <hexkey> -p fail True: exit 1, no report.ipynb with the key, no key on stderr."""
    keys = generate_keypair(algorithm="hmac", key_id="ops", out_dir=tmp_path / "keys")
    secret = load_signing_key(f"file:{keys.private_key_path}").secret_material()
    out = tmp_path / "out"
    args = ["report", "run", str(probe_notebook), "--out", str(out)]
    args += [
        "--key",
        f"file:{keys.private_key_path}",
        "-p",
        "echo",
        secret.hex(),
        "-p",
        "fail",
        "True",
    ]
    done = _run_stage5kit(args, _clean_env(), tmp_path)
    assert done.returncode == 1
    assert "cell 9" in done.stderr
    assert "not kept" in done.stderr
    assert not out.exists() or not list(out.rglob("*"))
    assert_no_key(secret, done.stdout, done.stderr)


def test_a_cell_raising_the_key_prints_it_redacted(
    hostile_setup: tuple[Path, Path, bytes], tmp_path: Path
) -> None:
    """A cell raising ValueError(key): the NotebookError on stderr shows [REDACTED]."""
    notebook, key_file, secret = hostile_setup
    out = tmp_path / "out-raise"
    args = ["report", "run", str(notebook), "--out", str(out), "--key", f"file:{key_file}"]
    args += ["-p", "raise_text", f"the key is {secret.hex()}"]
    done = _run_stage5kit(args, _clean_env(), tmp_path)
    assert done.returncode == 1
    assert "ValueError: the key is [REDACTED]" in done.stderr
    assert_no_key(secret, done.stdout, done.stderr)
    if out.exists():
        assert_no_key(secret, _folder_text(out))


def test_batch_keeps_the_key_out_of_names_index_and_stdout(
    probe_notebook: Path, tmp_path: Path
) -> None:
    """A grid value holding the key: the report fails, and no name, index or output shows it."""
    keys = generate_keypair(algorithm="hmac", key_id="ops", out_dir=tmp_path / "keys")
    secret = load_signing_key(f"file:{keys.private_key_path}").secret_material()
    grid = tmp_path / "grid.yaml"
    runs = [{"label": "plain"}, {"label": "leaky", "echo": secret.hex()}]
    grid.write_text(json.dumps({"notebook": str(probe_notebook), "grid": runs}))
    out = tmp_path / "out"
    outcome = CliRunner().invoke(
        main,
        ["report", "batch", str(grid), "--out", str(out), "--workers", "1"],
        env={"STAGE5KIT_SIGNING_KEY": f"file:{keys.private_key_path}"},
    )
    assert outcome.exit_code == 1, outcome.output
    names = [p.name for p in out.iterdir()]
    with (out / "index.csv").open() as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    assert statuses == ["ok", "failed"]
    assert_no_key(secret, "\n".join(names), _folder_text(out), outcome.stdout, outcome.stderr)
