"""Mutation fuzzing of every input the kit reads: trade logs (CSV, Parquet), YAML/JSON config,
grid files and signature envelopes.

Each target takes a ``random.Random`` and a fresh folder, mutates a valid input, runs the
command on it and checks the contract: exit 0, 1 or 2; no exception escapes the CLI; the
message is bounded; and on exit 2 nothing was written. ``test_fuzz.py`` runs a bounded
number of examples through hypothesis; ``python -m tests.robustness.fuzzing --inputs N``
is the long run recorded in docs/robustness.md.
"""

from __future__ import annotations

import argparse
import base64
import collections
import contextlib
import io
import json
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.core import generate_trades, write_trades
from stage5kit.errors import Stage5Error
from stage5kit.signing import generate_keypair, load_signing_key, sign_file

MAX_STDERR_CHARS = 30_000
INTERESTING_VALUES = (
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "1e308",
    "1e309",
    "-1e400",
    "1e-320",
    "1e200",
    "9" * 400,
    "9" * 5000,
    "0x10",
    "1,5",
    "12.5.3",
    "2300-01-01T00:00:00Z",
    "1600-01-01",
    "2026-13-45T99:99:99Z",
    "2026-01-01T00:00:00+25:00",
    "buy",
    "SELL",
    "maker",
    '"',
    '""',
    "\x00",
    "\x1b[31m",
    "é€",
    "\ufeff",
    "a\nb",
    ";",
    ",",
    "\t",
    "x" * 70_000,
)
YAML_TOKENS = (
    "&a ",
    "*a",
    "<<: *a",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "!!python/object:os.system ",
    "!!binary ",
    "1e999",
    "1e3",
    "-.inf",
    ".nan",
    "\t",
    "\n",
    "'",
    '"',
    "#",
    "? ",
    "|",
    "%YAML 1.2\n",
    "---\n",
    "~",
    "9" * 5000,
    "[" * 200,
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One fuzzed input's result: which target, the exit code, and a failure text or ''."""

    target: str
    exit_code: int
    failure: str


def _check_cli(args: list[str], out: Path | None) -> tuple[int, str]:
    """Run the CLI; return (exit code, '' or why the contract broke)."""
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))[-2000:]
        return -1, f"exception escaped: {trace}"
    code = result.exit_code
    stderr = result.stderr
    if code not in (0, 1, 2):
        return code, f"exit {code}: {stderr[-500:]}"
    if "Traceback" in stderr:
        return code, f"traceback in stderr: {stderr[-1000:]}"
    if len(stderr) > MAX_STDERR_CHARS:
        return code, f"stderr of {len(stderr)} characters"
    if code == 2 and out is not None and out.exists():
        return code, f"exit 2 but {out} was written"
    return code, ""


# --- mutators ---------------------------------------------------------------------------


def mutate_text(text: str, rng: random.Random, tokens: tuple[str, ...]) -> str:
    """Apply 1-4 random edits: insert a token, delete or duplicate a span, swap lines."""
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        at = rng.randrange(len(text) + 1)
        if kind == 0:
            text = text[:at] + rng.choice(tokens) + text[at:]
        elif kind == 1 and text:
            end = min(len(text), at + rng.randint(1, 40))
            text = text[:at] + text[end:]
        elif kind == 2 and text:
            end = min(len(text), at + rng.randint(1, 200))
            text = text[:end] + text[at:end] + text[end:]
        elif kind == 3:
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == 4:
            text = text[:at]
        else:
            text = text[:at] + chr(rng.randrange(0x20, 0x3000)) + text[at:]
    return text


def mutate_csv(text: str, rng: random.Random) -> str:
    """Replace cells with interesting values, drop or repeat columns, or edit the raw text."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 5)):
        kind = rng.randrange(5)
        row = rng.randrange(len(lines))
        cells = lines[row].split(",")
        if kind <= 1:
            cells[rng.randrange(len(cells))] = rng.choice(INTERESTING_VALUES)
        elif kind == 2:
            del cells[rng.randrange(len(cells))]
        else:
            position = rng.randrange(len(cells))
            cells.insert(position, cells[rng.randrange(len(cells))])
        lines[row] = ",".join(cells)
        if kind == 4:
            return mutate_text("\n".join(lines), rng, (*INTERESTING_VALUES[:30], "\r\n", ";"))
    return "\n".join(lines)


def _mutate_table(table: pa.Table, rng: random.Random) -> pa.Table:
    """One edit of a column: retyped, nulled, extreme, nested, repeated, far-off times, dropped."""
    index = rng.randrange(table.num_columns)
    name = table.column_names[index]
    column = table.column(index)
    kind = rng.randrange(7)
    if kind == 0:
        table = table.set_column(index, name, column.cast(pa.string()))
    elif kind == 1:
        values = column.to_pylist()
        values[rng.randrange(len(values))] = None
        table = table.set_column(index, name, pa.array(values, column.type))
    elif kind == 2:
        extreme = rng.choice([1e308, -1e308, 1e-320, float("inf"), float("nan"), 0.0, -5.0])
        values = [extreme if rng.random() < 0.2 else v for v in column.to_pylist()]
        if pa.types.is_floating(column.type):
            table = table.set_column(index, name, pa.array(values, pa.float64()))
        else:
            table = table.set_column(index, name, pa.array([str(v) for v in values]))
    elif kind == 3:
        table = table.set_column(index, name, pa.array([[v] for v in column.to_pylist()]))
    elif kind == 4:
        table = table.append_column(name, column)
    elif kind == 5:
        unit = rng.choice(["s", "ms", "us"])
        base = rng.choice([-(10**13), 10**13, 10**16, 0])
        stamps = pa.array([base + i for i in range(table.num_rows)], pa.int64())
        table = table.set_column(0, "timestamp", stamps.cast(pa.timestamp(unit, tz="UTC")))
    else:
        table = table.remove_column(index)
    return table


def mutate_parquet(table: pa.Table, rng: random.Random) -> bytes:
    """A Parquet file with retyped, nulled, extreme, nested or repeated columns, or bad bytes."""
    original = table
    for _ in range(rng.randint(1, 3)):
        # An edit pyarrow cannot make (a cast, a time past year 9999 in Python) is skipped.
        with contextlib.suppress(pa.ArrowException, OverflowError, ValueError):
            table = _mutate_table(table, rng)
    sink = io.BytesIO()
    try:
        pq.write_table(table, sink)
    except pa.ArrowInvalid:  # a mutation Parquet itself cannot store: write the original
        sink = io.BytesIO()
        pq.write_table(original, sink)
    data = sink.getvalue()
    if rng.random() < 0.2:
        position = rng.randrange(len(data))
        data = data[:position] + bytes([rng.randrange(256)]) + data[position + 1 :]
    if rng.random() < 0.1:
        data = data[: rng.randrange(len(data))]
    return data


def mutate_envelope(data: bytes, rng: random.Random) -> bytes:
    """Edit a DSSE envelope as JSON (fields, types, signatures) or as raw bytes."""
    kind = rng.randrange(4)
    if kind == 0:
        position = rng.randrange(len(data))
        return data[:position] + bytes([rng.randrange(256)]) + data[position + 1 :]
    if kind == 1:
        return data[: rng.randrange(len(data))]
    try:
        envelope = json.loads(data)
    except ValueError:
        return data
    if kind == 2 and isinstance(envelope, dict) and envelope:
        key = rng.choice(sorted(envelope))
        envelope[key] = rng.choice(
            [None, 0, 1e308, "", "A" * 10_000, [], {}, [[[]]], "=" * 3, True]
        )
    else:
        envelope = mutate_text(
            json.dumps(envelope), rng, ('"', "{", "[", ",", ":", "\\u0000", "null")
        )
        return envelope.encode("utf-8", errors="surrogatepass")
    return json.dumps(envelope).encode()


# --- targets ----------------------------------------------------------------------------


class Corpus:
    """Valid inputs every target starts from, made once per run."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        frame = generate_trades(rows=40, seed=21, days=4)
        self.trades_csv = write_trades(frame, folder / "trades.csv").read_text(encoding="utf-8")
        self.table = pa.Table.from_pandas(frame, preserve_index=False)
        self.log = write_trades(frame, folder / "base.csv")
        self.key_path = generate_keypair(
            algorithm="hmac", key_id="fuzz", out_dir=folder / "keys"
        ).private_key_path
        signed = folder / "signed.csv"
        signed.write_text("a,b\n1,2\n", encoding="utf-8")
        self.envelope = sign_file(signed, load_signing_key(f"file:{self.key_path}")).read_bytes()
        self.thresholds = (
            "max_cost_bps: 12.5\nmax_slippage_bps: 4\nstrategies:\n"
            "  twap_execution:\n    max_cost_bps: 20\n"
        )
        self.budget = (
            "period: month\nbasis: tco\nstrategies:\n  market_making: 250000\n"
            "  twap_execution: 1.2e5\n"
        )
        self.grid = (
            "notebook: probe.ipynb\nparameters:\n  label: x\nproduct:\n  scale: [1, 2]\n"
            "  ratio: [0.5, 1e-1]\n"
        )


def fuzz_csv(corpus: Corpus, rng: random.Random, folder: Path) -> tuple[int, str]:
    """A mutated CSV trade log through `tco`."""
    path = folder / "trades.csv"
    path.write_text(mutate_csv(corpus.trades_csv, rng), encoding="utf-8", errors="surrogatepass")
    out = folder / "out"
    return _check_cli(["tco", str(path), "--out", str(out), "--batch-rows", "1000"], out)


def fuzz_parquet(corpus: Corpus, rng: random.Random, folder: Path) -> tuple[int, str]:
    """A mutated Parquet trade log through `tco`."""
    path = folder / "trades.parquet"
    path.write_bytes(mutate_parquet(corpus.table, rng))
    out = folder / "out"
    return _check_cli(["tco", str(path), "--out", str(out)], out)


def fuzz_config(corpus: Corpus, rng: random.Random, folder: Path) -> tuple[int, str]:
    """A mutated thresholds or budget file (YAML or JSON) through `tco`."""
    option, text = rng.choice([("--thresholds", corpus.thresholds), ("--budget", corpus.budget)])
    suffix = rng.choice([".yaml", ".json"])
    if suffix == ".json":
        import yaml

        text = json.dumps(yaml.safe_load(text))
        text = mutate_text(
            text, rng, ('"', "{", "}", "[", ",", ":", "1e999", "NaN", "9" * 5000, "[" * 3000)
        )
    else:
        text = mutate_text(text, rng, YAML_TOKENS)
    config = folder / f"config{suffix}"
    config.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = folder / "out"
    return _check_cli(["tco", str(corpus.log), "--out", str(out), option, str(config)], out)


def fuzz_grid(corpus: Corpus, rng: random.Random, folder: Path) -> tuple[int, str]:
    """A mutated grid file: loaded and every run's parameters checked (no kernel starts)."""
    from stage5kit.reporting import load_grid, prepare_report

    notebook = Path(__file__).resolve().parents[1] / "reporting" / "notebooks" / "probe.ipynb"
    grid = folder / "grid.yaml"
    text = mutate_text(corpus.grid, rng, YAML_TOKENS).replace("probe.ipynb", str(notebook))
    grid.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        plan = load_grid(grid)
        for run in plan.runs:
            prepare_report(plan.notebook, run, given_dir=plan.base_dir, source=str(grid))
    except Stage5Error as error:
        if error.exit_code not in (1, 2):
            return error.exit_code, f"exit {error.exit_code}: {error}"
        if len(str(error)) > MAX_STDERR_CHARS:
            return error.exit_code, f"message of {len(str(error))} characters"
        return error.exit_code, ""
    except Exception as error:  # noqa: BLE001 - any other exception is the finding
        return -1, "exception escaped: " + "".join(traceback.format_exception(error))[-2000:]
    return 0, ""


def fuzz_envelope(corpus: Corpus, rng: random.Random, folder: Path) -> tuple[int, str]:
    """A mutated signature envelope through `verify`."""
    data = folder / "signed.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    mutated = mutate_envelope(corpus.envelope, rng)
    (folder / "signed.csv.sig").write_bytes(mutated)
    code, failure = _check_cli(["verify", str(data), "--key", f"file:{corpus.key_path}"], None)
    if code == 0 and not failure and _signed_part(mutated) != _signed_part(corpus.envelope):
        failure = "an envelope whose signed part changed still verified"
    return code, failure


def _signed_part(envelope: bytes) -> object:
    """What a DSSE signature covers: payload type and payload (JSON layout is not signed)."""
    try:
        parsed = json.loads(envelope)
        return (parsed["payloadType"], base64.b64decode(parsed["payload"], validate=True))
    except (ValueError, KeyError, TypeError):
        return None


TARGETS: dict[str, Callable[[Corpus, random.Random, Path], tuple[int, str]]] = {
    "csv": fuzz_csv,
    "parquet": fuzz_parquet,
    "config": fuzz_config,
    "grid": fuzz_grid,
    "envelope": fuzz_envelope,
}


def run_one(target: str, corpus: Corpus, rng: random.Random) -> Outcome:
    """Fuzz one input of ``target`` in a fresh folder."""
    with tempfile.TemporaryDirectory(prefix="s5k-fuzz-") as folder:
        code, failure = TARGETS[target](corpus, rng, Path(folder))
    return Outcome(target=target, exit_code=code, failure=failure)


def main_long(argv: list[str] | None = None) -> int:
    """The long run: N inputs spread over every target; prints a summary, exit 1 on a finding."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="s5k-fuzz-corpus-") as folder:
        corpus = Corpus(Path(folder))
        counts: collections.Counter[tuple[str, int]] = collections.Counter()
        failures: list[Outcome] = []
        names = sorted(TARGETS)
        for index in range(options.inputs):
            target = names[index % len(names)]
            rng = random.Random(f"{options.seed}-{index}")  # noqa: S311 - reproducible inputs
            outcome = run_one(target, corpus, rng)
            counts[(target, outcome.exit_code)] += 1
            if outcome.failure:
                failures.append(outcome)
                print(f"input {index} ({target}): {outcome.failure}", file=sys.stderr)
            if (index + 1) % 500 == 0:
                print(f"{index + 1} inputs, {len(failures)} failures", file=sys.stderr)
    seconds = time.perf_counter() - started
    print(f"inputs: {options.inputs}  seed: {options.seed}  seconds: {seconds:.0f}")
    for target in sorted(TARGETS):
        by_code = {code: n for (name, code), n in sorted(counts.items()) if name == target}
        print(f"  {target:9} exit codes {by_code}")
    print(f"contract failures: {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main_long())
