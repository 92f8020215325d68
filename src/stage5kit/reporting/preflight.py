"""Before the workshop: is this machine ready for the exercise? Each check ok or a Polish fix.

``stage5kit workshop preflight`` runs these on a participant's or the facilitator's machine:
the kit imports, a Jupyter kernel is installed, the keys can be read, the workspace's
decision log verifies, the signed sample artifacts verify, a browser is found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stage5kit.errors import Stage5Error

if TYPE_CHECKING:
    from stage5kit.signing import VerificationKey

SAMPLE_KEY = Path("demo_key") / "DEMO-KEY-NOT-FOR-PRODUCTION.pub"
SAMPLE_LOG_KEY = Path("demo_key") / "DEMO-LOG-KEY-NOT-FOR-PRODUCTION.key"
SAMPLE_LOG = Path("decision_log") / "runtime.jsonl"
KEYS_DIR = "klucze"


@dataclass(frozen=True, slots=True)
class PreflightCheck:
    """One check: its name, whether it passed, and what was found or how to fix it (Polish)."""

    name: str
    ok: bool
    detail: str


class _Failed(Exception):  # noqa: N818 - internal control flow: carries the Polish fix
    """A check failed; the message is the fix shown to the participant."""


def _kit() -> str:
    import stage5kit
    from stage5kit import core, reporting

    del core, reporting
    return f"wersja {stage5kit.__version__}"


def _kernel() -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    from stage5kit.reporting.execute import KERNEL_NAME

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        msg = (
            f"brak jądra Jupyter {KERNEL_NAME!r}; zainstaluj je poleceniem "
            "`.venv/bin/python -m ipykernel install --user` albo uruchom `make lab`"
        )
        raise _Failed(msg) from None
    return f"{KERNEL_NAME} ({spec.argv[0]})"


def _from_here(path: Path) -> str:
    """``path`` as the participant types it where they run preflight (relative when it can)."""
    import os

    try:
        return Path(os.path.relpath(path.resolve(), Path.cwd())).as_posix()
    except ValueError:  # another drive on Windows: no relative path
        return str(path.resolve())


def _signing_key(spec: str | None, root: Path) -> Callable[[], str]:
    def check() -> str:
        from stage5kit.signing import load_signing_key

        if spec is None:
            return "nie podano --key; klucza do podpisu nie sprawdzono"
        try:
            key = load_signing_key(spec)
        except Stage5Error as error:
            keys = _from_here(root / KEYS_DIR)
            msg = (
                f"nie mogę odczytać klucza do podpisu ({error}); utwórz go poleceniem "
                "`stage5kit keys generate --algorithm ed25519 --key-id warsztat-$(whoami) "
                f"--out {keys}` i podaj `--key file:{keys}/warsztat-$(whoami).key`"
            )
            raise _Failed(msg) from None
        return f"{key.key_id} ({key.algorithm})"

    return check


def _log_key(root: Path) -> Callable[[], str]:
    def check() -> str:
        from stage5kit.compliance import Workspace
        from stage5kit.compliance.log_keys import load_log_key

        workspace = Workspace(root=root)
        try:
            key = load_log_key(None, default_key_file=workspace.decision_log_key)
        except Stage5Error as error:
            msg = (
                f"nie mogę odczytać klucza dziennika decyzji ({error}); poproś prowadzącego "
                f"o klucz i zapisz go jako {workspace.decision_log_key} (uprawnienia 0600) "
                "albo utwórz katalog roboczy poleceniem `stage5kit init --with-key`"
            )
            raise _Failed(msg) from None
        return key.key_id

    return check


def _decision_log(root: Path) -> Callable[[], str]:
    def check() -> str:
        from stage5kit.compliance import Workspace, load_keyring, verify_log

        workspace = Workspace(root=root)
        try:
            keyring = load_keyring(default_key_file=workspace.decision_log_key)
        except Stage5Error:
            msg = "dziennika nie da się zweryfikować bez klucza dziennika decyzji (patrz wyżej)"
            raise _Failed(msg) from None
        result = verify_log(workspace.decision_log, keyring=keyring)
        if result.status == "empty":
            return "pusty (pierwszy wpis dopisze ćwiczenie)"
        if not result.ok:
            where = f"wiersz {result.line}" if result.line else "nagłówek (head)"
            msg = (
                f"dziennik decyzji {workspace.decision_log} nie przechodzi weryfikacji: {where}, "
                f"{result.reason}; ktoś go edytował. Nie poprawiaj go ręcznie: zgłoś to "
                "prowadzącemu, a `stage5kit decision-log verify` pokaże szczegóły"
            )
            raise _Failed(msg)
        return f"poprawny, sprawdzone wpisy: {result.entries_checked}"

    return check


def _sample_artifacts(folder: Path) -> Callable[[], str]:
    def check() -> str:
        from stage5kit.reporting.i18n import translate_count
        from stage5kit.signing import load_verification_key

        signatures = sorted(folder.rglob("*.sig"))
        if not signatures:
            msg = (
                f"brak podpisanych przykładowych artefaktów w {folder}; uruchom `make sample` "
                "w katalogu zestawu"
            )
            raise _Failed(msg)
        try:
            key = load_verification_key(public_key=folder / SAMPLE_KEY)
        except Stage5Error:
            msg = (
                f"brak publicznego klucza przykładów {folder / SAMPLE_KEY}, więc podpisów "
                "nie da się sprawdzić; odtwórz przykłady poleceniem `make sample`"
            )
            raise _Failed(msg) from None
        bundles = sorted(folder.rglob("*.zip"))
        bad = [
            *(str(s.relative_to(folder)) for s in signatures if not _signature_ok(s, key)),
            *(str(b.relative_to(folder)) for b in bundles if not _bundle_ok(b, key)),
            *_sample_log_problems(folder),
        ]
        if bad:
            msg = (
                f"przykładowe artefakty zmienione od podpisania: {', '.join(bad[:3])}; "
                "odtwórz je poleceniem `make sample`"
            )
            raise _Failed(msg)
        signed = translate_count("pl", "{count} signature", "{count} signatures", len(signatures))
        packed = translate_count("pl", "{count} bundle", "{count} bundles", len(bundles))
        return f"wszystkie poprawne: {signed}, {packed}, przykładowy dziennik decyzji (w {folder})"

    return check


def _signature_ok(signature: Path, key: VerificationKey) -> bool:
    """``X.sig`` signs ``X``; ``smoke.sig`` signs the smoke incident beside it."""
    from stage5kit.compliance import verify_smoke
    from stage5kit.compliance.smoke import SIGNATURE_NAME
    from stage5kit.signing import verify_file

    if signature.name == SIGNATURE_NAME:
        return verify_smoke(signature.parent, key).ok
    return verify_file(signature.with_suffix(""), key, signature_file=signature).ok


def _bundle_ok(bundle: Path, key: VerificationKey) -> bool:
    from stage5kit.compliance.observability import verify_bundle

    try:
        return verify_bundle(bundle, key).ok
    except Stage5Error:
        return False


def _sample_log_problems(folder: Path) -> list[str]:
    """The sample decision log, verified with the demo log key: [] or its name."""
    from stage5kit.compliance import load_keyring, verify_log

    log = folder / SAMPLE_LOG
    try:
        keyring = load_keyring(f"file:{folder / SAMPLE_LOG_KEY}")
    except Stage5Error:
        return [str(SAMPLE_LOG_KEY)]
    return [] if verify_log(log, keyring=keyring).ok else [str(SAMPLE_LOG)]


def _browser() -> str:
    from stage5kit.reporting.pdf import find_chromium

    try:
        return str(find_chromium())
    except Stage5Error:
        msg = (
            "nie znaleziono przeglądarki Chromium; zainstaluj ją (`sudo apt-get install "
            "chromium`) albo wskaż ją zmienną STAGE5KIT_CHROMIUM"
        )
        raise _Failed(msg) from None


def run_preflight(
    *, root: Path, samples: Path, key_spec: str | None = None
) -> tuple[PreflightCheck, ...]:
    """Every check of the machine, in the order a participant fixes them."""
    checks: tuple[tuple[str, Callable[[], str]], ...] = (
        ("zestaw stage5kit", _kit),
        ("jądro Jupyter", _kernel),
        ("klucz do podpisu", _signing_key(key_spec, root)),
        ("klucz dziennika decyzji", _log_key(root)),
        ("dziennik decyzji", _decision_log(root)),
        ("przykładowe artefakty", _sample_artifacts(samples)),
        ("przeglądarka", _browser),
    )
    results = []
    for name, check in checks:
        try:
            results.append(PreflightCheck(name, ok=True, detail=check()))
        except _Failed as failure:
            results.append(PreflightCheck(name, ok=False, detail=str(failure)))
    return tuple(results)
