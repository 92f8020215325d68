"""Run one report: check parameters, execute, render HTML (and PDF), scan for keys, sign.

The folder is built under a temporary name beside ``out_dir`` and renamed into place only
when it is complete, so a crash never leaves a half-built report under the final name
(and the next run into the same folder removes what a killed run left).
A failing cell still lands in ``out_dir`` (``report.ipynb`` with the error visible) but
unsigned, and :class:`~stage5kit.errors.NotebookError` is raised.

Working folder of the kernel: a notebook that imports stage5kit runs in the report folder
(relative writes land in the report); any other notebook runs in its own folder, as
papermill runs it (relative reads work); ``cwd`` overrides both. ``record`` and
``save_table`` always write into the report, whatever the working folder.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from stage5kit.errors import (
    ConfigError,
    IncompleteReportError,
    NotebookError,
    ParameterError,
    Stage5Error,
)
from stage5kit.files import atomic_directory, sha256_file
from stage5kit.redaction import redact_error
from stage5kit.reporting.execute import (
    DEFAULT_CELL_TIMEOUT_S,
    PYTHON_KERNEL,
    KernelSession,
    NotebookKernel,
    kernel_environment,
    notebook_kernel,
)
from stage5kit.reporting.html import render_html
from stage5kit.reporting.i18n import DEFAULT_LANG, check_lang
from stage5kit.reporting.parameters import (
    coerce_parameters,
    parameters_source,
    read_parameters,
    resolve_paths,
)
from stage5kit.reporting.pdf import render_pdf
from stage5kit.reporting.record import JsonValue, read_results
from stage5kit.reporting.secrets_scan import ensure_no_secrets, find_secret_leaks

if TYPE_CHECKING:
    from stage5kit.signing import DeferredSigningKey, SigningKey

_log = logging.getLogger(__name__)
REPORT_NOTEBOOK = "report.ipynb"
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
VERSIONED_PACKAGES = (
    "stage5kit",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "plotly",
    "pandas",
    "numpy",
    "pyarrow",
    "cryptography",
)
_IMPORTS_KIT = re.compile(r"^\s*(from|import)\s+stage5kit\b", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PreparedReport:
    """A notebook with checked, fully resolved parameters: everything a worker needs."""

    notebook: Path
    parameters: dict[str, object]
    title: str
    kernel: NotebookKernel = PYTHON_KERNEL
    cwd: Path | None = None  # the kernel's working folder; None: the report folder
    lang: str = DEFAULT_LANG
    decision_log: Path | None = None  # its head is recorded in the signed manifest


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Where a report landed, whether it is signed, and the KPIs it recorded."""

    folder: Path
    parameters: dict[str, object]
    results: dict[str, JsonValue] = field(default_factory=dict)
    signed: bool = False
    seconds: float = 0.0

    @property
    def html(self) -> Path:
        """The report's HTML file."""
        return self.folder / REPORT_HTML

    @property
    def pdf(self) -> Path | None:
        """The report's PDF, when one was printed."""
        path = self.folder / REPORT_PDF
        return path if path.is_file() else None


def imports_kit(notebook: Path) -> bool:
    """Whether a code cell of the notebook imports stage5kit (a kit report notebook)."""
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "code" and _IMPORTS_KIT.search(text):
            return True
    return False


def prepare_report(
    notebook: str | Path,
    parameters: Mapping[str, object],
    *,
    given_dir: Path | None = None,
    source: str = "the command line",
    cwd: Path | None = None,
    decision_log: Path | None = None,
) -> PreparedReport:
    """Check ``parameters`` and the notebook's kernel; no kernel is started.

    ``cwd`` is the kernel's working folder; when None it follows the rule in this module's
    docstring. A notebook without a ``parameters`` cell accepts no parameters. The head of
    ``decision_log``, when it exists at signing time, is recorded in the signed manifest.
    """
    path = Path(notebook).resolve()
    declared = read_parameters(path)
    if parameters and not declared and parameters_source(path) is None:
        names = ", ".join(sorted(parameters))
        msg = (
            f"{path.name} has no cell tagged 'parameters', so it takes no parameters "
            f"(given: {names}); tag the cell that sets its inputs 'parameters' "
            "(JupyterLab: Property Inspector > Cell tags) to accept them"
        )
        raise ParameterError(msg, column=sorted(parameters)[0])
    coerced = coerce_parameters(declared, parameters, source=source)
    resolved = resolve_paths(
        declared, coerced, notebook_dir=path.parent, given_dir=given_dir or Path.cwd()
    )
    title = resolved.get("title")
    lang = resolved.get("lang", declared["lang"].default if "lang" in declared else DEFAULT_LANG)
    if cwd is None and not imports_kit(path):
        cwd = path.parent
    return PreparedReport(
        notebook=path,
        parameters=resolved,
        title=title if isinstance(title, str) and title else path.stem,
        lang=check_lang(str(lang)),
        kernel=notebook_kernel(path),
        cwd=cwd.resolve() if cwd is not None else None,
        decision_log=decision_log,
    )


def report_inputs(prepared: PreparedReport) -> tuple[Path, ...]:
    """Files and folders named by the parameters that exist now: the kernel may use them."""
    paths = [
        Path(value)
        for value in prepared.parameters.values()
        if isinstance(value, str) and value and Path(value).is_absolute() and Path(value).exists()
    ]
    return tuple(dict.fromkeys(paths))


def working_folders(prepared: PreparedReport) -> tuple[Path, ...]:
    """The kernel's working folder when it is not the report (the notebook's or ``--cwd``)."""
    return (prepared.cwd,) if prepared.cwd is not None else ()


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in VERSIONED_PACKAGES:
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            continue
    return found


def report_metadata(prepared: PreparedReport) -> dict[str, object]:
    """What the manifest records besides file hashes: parameters, input hashes, versions."""
    inputs = {
        name: {"path": value, "sha256": sha256_file(value)}
        for name, value in sorted(prepared.parameters.items())
        if isinstance(value, str) and value and Path(value).is_file()
    }
    metadata: dict[str, object] = {
        "kind": "stage5kit-report",
        "notebook": {
            "name": prepared.notebook.name,
            "sha256": sha256_file(prepared.notebook),
            "kernel": prepared.kernel.name,
        },
        "parameters": prepared.parameters,
        "inputs": inputs,
        "versions": _versions(),
    }
    if prepared.decision_log is not None:
        from stage5kit.compliance.decision_log import HEAD_RECORD, head_record

        record = head_record(prepared.decision_log)
        if record is not None:
            metadata[HEAD_RECORD] = record
    return metadata


def build_report(
    prepared: PreparedReport, folder: Path, *, session: KernelSession, pdf: bool
) -> None:
    """Execute the notebook into ``folder`` (its working folder unless prepared with one)."""
    session.run(
        prepared.notebook,
        folder / REPORT_NOTEBOOK,
        parameters=prepared.parameters,
        cwd=prepared.cwd or folder,
        kernel=prepared.kernel,
    )
    render_html(
        folder / REPORT_NOTEBOOK, folder / REPORT_HTML, title=prepared.title, lang=prepared.lang
    )
    if pdf:
        render_pdf(folder / REPORT_HTML, folder / REPORT_PDF)


def _require_report_files(folder: Path, *, pdf: bool) -> None:
    """Refuse a folder that lacks a file every report holds: it must never be signed."""
    expected = (REPORT_NOTEBOOK, REPORT_HTML, *((REPORT_PDF,) if pdf else ()))
    missing = tuple(name for name in expected if not (folder / name).is_file())
    if missing:
        msg = f"{folder}: the report is incomplete ({', '.join(missing)} missing); not signed"
        raise IncompleteReportError(msg, folder=folder, missing=missing)


def seal_report(
    prepared: PreparedReport, folder: Path, key: SigningKey | None, *, pdf: bool = False
) -> bool:
    """Check ``folder`` is a whole report, scan it for key material, then sign it.

    Returns False when there is no key (nothing is signed).
    """
    _require_report_files(folder, pdf=pdf)
    if key is None:
        return False
    from stage5kit.signing import sign_manifest

    ensure_no_secrets(folder, (key.secret_material(),))
    sign_manifest(folder, key, metadata=report_metadata(prepared))
    return True


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        msg = f"{out_dir}: exists and is not a folder"
        raise ConfigError(msg)
    if out_dir.is_dir() and any(out_dir.iterdir()):
        from stage5kit.signing import MANIFEST_NAME, signature_path

        names = {p.name for p in out_dir.iterdir()}
        report_files = {REPORT_NOTEBOOK, MANIFEST_NAME, signature_path(MANIFEST_NAME).name}
        if not names & report_files:
            msg = f"{out_dir}: folder is not empty and holds no report; refusing to replace it"
            raise ConfigError(msg)


def _loaded(key: SigningKey | DeferredSigningKey | None) -> SigningKey | None:
    """The key itself: a deferred key's bytes are read now (once the kernel has exited)."""
    from stage5kit.signing import DeferredSigningKey

    return key.load() if isinstance(key, DeferredSigningKey) else key


def refuse_leaking_failure(folder: Path, failure: NotebookError, key: SigningKey | None) -> None:
    """Raise instead of keeping a failed report whose files hold key material."""
    if key is None:
        return
    leaks = find_secret_leaks(folder, (key.secret_material(),))
    if leaks:
        names = ", ".join(str(p.relative_to(folder)) for p in leaks)
        msg = f"{failure}; key material found in {names}, so the failed report was not kept"
        raise NotebookError(msg, notebook=failure.notebook, cell_index=failure.cell_index)


def run_report(
    notebook: str | Path,
    *,
    parameters: Mapping[str, object],
    out_dir: str | Path,
    key: SigningKey | DeferredSigningKey | None = None,
    pdf: bool = False,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT_S,
    given_dir: Path | None = None,
    progress: bool = False,
    cwd: Path | None = None,
    decision_log: Path | None = None,
) -> ReportResult:
    """Run ``notebook`` into ``out_dir`` as a signed report (unsigned when ``key`` is None).

    Parameters are checked before any kernel starts (ParameterError). The kernel never
    sees the key: its environment is allow-listed, a deferred key is read only after the
    kernel has exited, and signing happens here. A failed report is kept only when it
    holds no key material; every error message leaving here has key material redacted.
    ``progress`` draws a bar of executed cells on stderr. The head of ``decision_log`` (when
    the log exists) is recorded in the manifest: an external copy that exposes a rollback.
    """
    started = time.perf_counter()
    prepared = prepare_report(
        notebook, parameters, given_dir=given_dir, cwd=cwd, decision_log=decision_log
    )
    target = Path(out_dir)
    _check_out_dir(target)
    failure: NotebookError | None = None
    try:
        with atomic_directory(target) as folder:
            with KernelSession(
                env=kernel_environment(os.environ),
                cell_timeout=cell_timeout,
                readable=(prepared.notebook.parent,),
                writable=(folder, *working_folders(prepared), *report_inputs(prepared)),
                progress=progress,
            ) as session:
                try:
                    build_report(prepared, folder, session=session, pdf=pdf)
                except NotebookError as error:
                    failure = error
            signing_key = _loaded(key)
            if failure is not None:
                refuse_leaking_failure(folder, failure, signing_key)
            else:
                signed = seal_report(prepared, folder, signing_key, pdf=pdf)
        if failure is not None:
            raise failure
    except Stage5Error as error:
        redact_error(error)
        raise
    _log.info("report %s written to %s", prepared.notebook.name, target)
    return ReportResult(
        folder=target,
        parameters=prepared.parameters,
        results=read_results(target),
        signed=signed,
        seconds=time.perf_counter() - started,
    )
