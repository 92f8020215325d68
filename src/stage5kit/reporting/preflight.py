"""Before the workshop: is this machine ready for the exercise? Each check ok or a Polish fix.

``stage5kit workshop preflight`` runs these on a participant's or the facilitator's machine:
the kit imports, a Jupyter kernel is installed, the keys can be read, the workspace's
decision log verifies, the signed sample artifacts verify, a browser is found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stage5kit.errors import Stage5Error

SAMPLE_KEY = Path("demo_key") / "DEMO-KEY-NOT-FOR-PRODUCTION.pub"


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
    return f"stage5kit {stage5kit.__version__}"


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
    return f"jądro {KERNEL_NAME}: {spec.argv[0]}"


def _signing_key(spec: str | None) -> Callable[[], str]:
    def check() -> str:
        from stage5kit.signing import load_signing_key

        if spec is None:
            return "klucz do podpisu nie został podany (--key); sprawdzono tylko dziennik"
        try:
            key = load_signing_key(spec)
        except Stage5Error as error:
            msg = (
                f"nie mogę odczytać klucza do podpisu ({error}); utwórz go poleceniem "
                "`stage5kit keys generate --algorithm ed25519 --key-id warsztat-$(whoami) "
                "--out moje/klucze` i podaj `--key file:moje/klucze/warsztat-$(whoami).key`"
            )
            raise _Failed(msg) from None
        return f"klucz do podpisu {key.key_id} ({key.algorithm})"

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
        return f"klucz dziennika decyzji {key.key_id}"

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
            return "dziennik decyzji jest pusty (pierwszy wpis dopisze ćwiczenie)"
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
        from stage5kit.signing import load_verification_key, verify_file

        signatures = sorted(folder.rglob("*.sig"))
        if not signatures:
            msg = (
                f"brak podpisanych przykładowych artefaktów w {folder}; uruchom `make sample` "
                "w katalogu zestawu"
            )
            raise _Failed(msg)
        key = load_verification_key(public_key=folder / SAMPLE_KEY)
        bad = [
            sig.with_suffix("").name
            for sig in signatures
            if not verify_file(sig.with_suffix(""), key, signature_file=sig).ok
        ]
        if bad:
            msg = (
                f"przykładowe artefakty zmienione od podpisania: {', '.join(bad[:3])}; "
                "odtwórz je poleceniem `make sample`"
            )
            raise _Failed(msg)
        return f"podpisy poprawne: {len(signatures)} (w {folder})"

    return check


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
        ("klucz do podpisu", _signing_key(key_spec)),
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
