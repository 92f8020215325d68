"""Every sample artifact in one call: inputs, demo keys, signed outputs of each workshop step.

``sample_artifacts/`` (DESIGN.md: "small deterministic sample inputs and signed sample
outputs, made by one command, demo key clearly marked") is exactly what
:func:`write_sample_artifacts` builds; ``stage5kit sample artifacts --out DIR`` and
``make sample`` call it. The folder is rebuilt from nothing and swapped in whole. The TCO
and stress outputs are made by running ``stage5kit tco`` and ``stage5kit stress`` inside
the folder being built, so they are what those commands write and the summaries record
input paths relative to the folder: the same code gives the same bytes in any place. The
dated and signed compliance samples (smoke incident, decision log, key registry) come from
:func:`stage5kit.compliance.samples.write_sample_compliance`, with fixed times and ids.
Imports only the standard library at module level (it is loaded by the CLI).
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

DEMO_KEY_DIR = "demo_key"
DEMO_KEY_FILE = f"{DEMO_KEY_DIR}/DEMO-KEY-NOT-FOR-PRODUCTION"
DEMO_LOG_KEY_FILE = f"{DEMO_KEY_DIR}/DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key"
KEY_SPEC = f"file:{DEMO_KEY_FILE}.key"
BUNDLE_FILE = "observability/stage5_bundle.zip"
TCO_COMMAND = (
    "tco",
    "inputs/trades.csv",
    "--infra-costs",
    "inputs/infra_costs.csv",
    "--thresholds",
    "inputs/thresholds.yaml",
    "--budget",
    "inputs/budget.yaml",
    "--by",
    "strategy,venue,month",
    "--key",
    KEY_SPEC,
    "--out",
    "tco",
)
STRESS_COMMAND = (
    "stress",
    "inputs/trades.csv",
    "--scenarios",
    "all",
    "--paths",
    "2000",
    "--days",
    "30",
    "--seed",
    "0",
    "--include-tco",
    "--infra-costs",
    "inputs/infra_costs.csv",
    "--budget",
    "inputs/budget.yaml",
    "--gross-edge-bps",
    "8",
    "--key",
    KEY_SPEC,
    "--out",
    "stress",
)
BUNDLE_COMMAND = (
    "bundle",
    "export",
    "--thresholds",
    "inputs/thresholds.yaml",
    "--budget",
    "inputs/budget.yaml",
    "--key",
    KEY_SPEC,
    "--out",
    BUNDLE_FILE,
)
INPUTS_COMMAND = ("sample", "inputs", "--out", "inputs")
DEMO_KEY_NOTE = """\
DEMO KEY - NOT FOR PRODUCTION

DEMO-KEY-NOT-FOR-PRODUCTION.key is PUBLIC: its Ed25519 seed is the SHA-256 of a label
published in stage5kit's source (stage5kit.signing.demo_key), so anyone can recreate it
and sign anything with it. It signs the sample outputs in this folder only so that
regenerating them gives byte-identical files. A signature by this key shows that a
sample file was not changed since it was made, never who made it.

DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key (HMAC, the sample decision log's key) is PUBLIC in
the same way: DEMO ONLY.

Never sign real reports or decision logs with them. Make your own keys:
    stage5kit keys generate --algorithm ed25519 --key-id YOUR-ID --out secrets
    stage5kit keys generate --algorithm hmac --key-id YOUR-LOG-KEY --out secrets
"""
FILES = (
    ("README.md", "this file", "stage5kit sample artifacts"),
    ("inputs/trades.csv", "20,000 synthetic trades (seed 5, 120 days from 2026-01-01)", "inputs"),
    ("inputs/infra_costs.csv", "monthly infra costs per strategy and shared", "inputs"),
    ("inputs/thresholds.yaml", "cost, slippage and latency limits", "inputs"),
    ("inputs/budget.yaml", "monthly TCO budget per strategy", "inputs"),
    ("demo_key/DEMO-KEY-NOT-FOR-PRODUCTION.key", "demo private key (PUBLIC, 0600)", "key"),
    (
        "demo_key/DEMO-KEY-NOT-FOR-PRODUCTION.pub",
        "demo public key (verifies the .sig files)",
        "key",
    ),
    (
        "demo_key/DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key",
        "demo decision-log HMAC key (PUBLIC, DEMO ONLY, 0600)",
        "key",
    ),
    ("demo_key/README.txt", "the demo-key warning", "stage5kit sample artifacts"),
    ("tco/tco_report.csv", "TCO KPIs per strategy, venue and month", "tco"),
    ("tco/tco_report.csv.sig", "its signature (demo key)", "tco"),
    ("tco/tco_summary.json", "overall KPIs, breaches, anomalies, budgets, inputs' sha256", "tco"),
    ("tco/tco_summary.json.sig", "its signature (demo key)", "tco"),
    ("stress/stress_results.csv", "one row per stress scenario", "stress"),
    ("stress/stress_results.csv.sig", "its signature (demo key)", "stress"),
    ("stress/stress_summary.json", "scenarios, parameters, metrics, plain reading", "stress"),
    ("stress/stress_summary.json.sig", "its signature (demo key)", "stress"),
    (
        "smoke/sample_incident.json",
        "decision-engine smoke incident (`decision_path`, `tco_kpi`), ticket INC-SAMPLE-1",
        "compliance",
    ),
    ("smoke/smoke.sig", "its signature (demo key)", "compliance"),
    (
        "decision_log/runtime.jsonl",
        "decision log: the smoke `stage5_incident` and a `stage5_training` exercise entry",
        "compliance",
    ),
    ("decision_log/runtime.jsonl.head", "its signed head (demo log key)", "compliance"),
    (
        "keys/key_rotation.json",
        "key rotation registry: 2 keys ok, 2 due, 2 overdue on 2026-05-01",
        "compliance",
    ),
    (BUNDLE_FILE, "signed observability bundle (dashboard, rules, tests)", "bundle"),
)


SAMPLE_STEPS = ("inputs and demo keys", "tco", "stress", "compliance", "bundle")


def write_sample_artifacts(
    out_dir: str | Path, *, on_step: Callable[[str], None] | None = None
) -> list[Path]:
    """Rebuild ``out_dir`` with the sample inputs, demo key and signed sample outputs.

    Returns the paths of the files in the rebuilt folder. Anything else
    in ``out_dir`` is removed: the folder is replaced in one rename when complete.
    ``on_step`` is called with each of :data:`SAMPLE_STEPS` when it is done (progress).
    """
    from stage5kit.compliance.samples import write_sample_compliance
    from stage5kit.core import write_sample_inputs
    from stage5kit.files import atomic_directory, atomic_write_text
    from stage5kit.signing import load_signing_key, write_demo_keypair, write_demo_log_key

    done = on_step if on_step is not None else (lambda _step: None)
    target = Path(out_dir)
    with atomic_directory(target) as folder:
        write_sample_inputs(folder / "inputs")
        demo = write_demo_keypair(folder / DEMO_KEY_DIR)
        demo_log = write_demo_log_key(folder / DEMO_KEY_DIR)
        atomic_write_text(folder / DEMO_KEY_DIR / "README.txt", DEMO_KEY_NOTE)
        done(SAMPLE_STEPS[0])
        for step, command in zip(SAMPLE_STEPS[1:3], (TCO_COMMAND, STRESS_COMMAND), strict=True):
            _run_stage5kit(command, cwd=folder)
            done(step)
        write_sample_compliance(
            folder,
            key=load_signing_key(f"file:{demo.private_key_path}"),
            log_key=load_signing_key(f"file:{demo_log.private_key_path}"),
        )
        done(SAMPLE_STEPS[3])
        _run_stage5kit(BUNDLE_COMMAND, cwd=folder)
        done(SAMPLE_STEPS[4])
        atomic_write_text(folder / "README.md", describe_sample_artifacts())
    return [target / name for name, _, _ in FILES]


def describe_sample_artifacts() -> str:
    """The folder's README.md: each file, the command that made it, the demo-key warning."""
    made_by = {
        "inputs": f"`{_command_line(INPUTS_COMMAND)}`",
        "key": "`stage5kit.signing.write_demo_keypair`",
        "tco": "`stage5kit tco` (below)",
        "stress": "`stage5kit stress` (below)",
        "compliance": "`stage5kit.compliance.samples` (fixed times and ids)",
        "bundle": "`stage5kit bundle export` (below)",
        "stage5kit sample artifacts": "`stage5kit sample artifacts`",
    }
    rows = "\n".join(f"| `{name}` | {what} | {made_by[how]} |" for name, what, how in FILES)
    return f"""\
# Sample artifacts

Small deterministic sample inputs and signed sample outputs of stage5kit. The whole folder
is made by one command, run from the repository root:

```bash
make sample        # = stage5kit sample artifacts --out sample_artifacts
```

It rebuilds the folder from nothing (anything else in it is removed). Regenerating gives
byte-identical files on any machine with the same stage5kit version:
`tests/cli/test_sample_artifacts.py` rebuilds it and compares every byte.

> **DEMO KEY - NOT FOR PRODUCTION.** Every `.sig` here is made with
> `{DEMO_KEY_FILE}.key`, an Ed25519 key whose seed is the SHA-256 of a label
> published in `stage5kit.signing.demo_key`. It is public: anyone can recreate it and sign
> with it. These signatures show only that a sample file was not changed since it was
> made, never who made it. Never sign real reports with it; make your own key with
> `stage5kit keys generate --algorithm ed25519 --key-id YOUR-ID --out secrets`.

| file | what | made by |
|---|---|---|
{rows}

The outputs, made inside this folder (so the summaries record paths relative to it):

```bash
{_command_line(INPUTS_COMMAND)}
{_command_line(TCO_COMMAND)}
{_command_line(STRESS_COMMAND)}
{_command_line(BUNDLE_COMMAND)}
```

The smoke incident, the decision log and the key registry are what `stage5kit smoke
--ticket`, a passed workshop exercise (`stage5kit report run`) and `stage5kit keys` write,
made in-process with fixed times, incident id and log id so that they rebuild byte for
byte. The decision log is signed with the demo decision-log key
`{DEMO_LOG_KEY_FILE}` (HMAC, **DEMO ONLY**, public like the demo key). The key states
refer to 2026-05-01 (the day after the sample log ends):
`stage5kit keys status --registry keys/key_rotation.json --today 2026-05-01`.

Check a signature with the public half of the demo key (exit 0 and `ok` when unchanged):

```bash
stage5kit verify tco/tco_summary.json --public-key {DEMO_KEY_FILE}.pub
stage5kit verify {BUNDLE_FILE} --public-key {DEMO_KEY_FILE}.pub
stage5kit decision-log verify decision_log/runtime.jsonl --key file:{DEMO_LOG_KEY_FILE}
```

`smoke/smoke.sig` signs `smoke/sample_incident.json` (the names `stage5kit smoke` writes);
`stage5kit workshop preflight` verifies it with every other sample here.
"""


def _command_line(arguments: tuple[str, ...]) -> str:
    return shlex.join(("stage5kit", *arguments))


def _run_stage5kit(arguments: tuple[str, ...], *, cwd: Path) -> None:
    """Run one ``stage5kit`` command in ``cwd``; its error becomes a Stage5Error."""
    from stage5kit.errors import Stage5Error

    done = subprocess.run(
        [sys.executable, "-m", "stage5kit", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        msg = (
            f"{_command_line(arguments)} failed with exit code {done.returncode}: "
            f"{lines[-1] if lines else 'no message'}"
        )
        raise Stage5Error(msg)
