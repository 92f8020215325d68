"""The signed Stage5 observability bundle: dashboard, rules, rule tests and SLOs in one zip.

The files are laid out in a private temporary folder, signed there with
:func:`~stage5kit.signing.sign_manifest` (``manifest.json`` + ``manifest.json.sig``) and
zipped with fixed timestamps and modes in name order, so the same inputs and key give the
same bytes. The zip is written atomically: a failed export leaves no file behind.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

from stage5kit.compliance.observability.config import ObservabilityConfig
from stage5kit.compliance.observability.dashboard import build_dashboard
from stage5kit.compliance.observability.metrics import METRICS
from stage5kit.compliance.observability.prometheus_rules import (
    RULES_FILE,
    build_rule_tests,
    build_rules,
    dump_yaml,
)
from stage5kit.core import Budget, Thresholds
from stage5kit.errors import InputError, ResourceError
from stage5kit.files import atomic_path
from stage5kit.signing import SigningKey, sign_manifest

BUNDLE_FORMAT = "stage5kit-observability-bundle/v1"
DASHBOARD_PATH = "dashboards/stage5_compliance_cost_control.json"
RULES_PATH = f"prometheus/{RULES_FILE}"
RULE_TESTS_PATH = "prometheus/stage5_rules_test.yml"
SLOS_PATH = "slo/stage5_slos.yaml"
README_PATH = "README.txt"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644

_README = """Stage5 observability bundle (made by stage5kit {version})

dashboards/stage5_compliance_cost_control.json
    Grafana: Dashboards > New > Import, upload this file, pick the Prometheus data source.
prometheus/stage5_rules.yml
    Prometheus: add it under rule_files; check it with `promtool check rules`.
prometheus/stage5_rules_test.yml
    Unit tests of the rules: `promtool test rules prometheus/stage5_rules_test.yml`.
slo/stage5_slos.yaml
    The SLO objectives, alert windows, budgets and cost limits the rules were made from.
manifest.json, manifest.json.sig
    Every file's size and sha256, signed. Check before use, without unpacking:
    `stage5kit verify stage5_bundle.zip --public-key KEY.pub` (or --key SPEC).
"""


def _slo_document(
    config: ObservabilityConfig, budget: Budget | None, thresholds: Thresholds | None
) -> dict[str, object]:
    document: dict[str, object] = {"format": BUNDLE_FORMAT, **config.to_document()}
    document["metrics"] = [
        {"name": m.name, "type": m.kind, "labels": list(m.labels), "help": m.help} for m in METRICS
    ]
    if budget is not None:
        document["budget"] = {
            "period": budget.period,
            "basis": budget.basis,
            "strategies": dict(sorted(budget.amounts.items())),
        }
    if thresholds is not None:
        limits = {"default": thresholds.max_cost_bps}
        limits |= {
            name: overrides["max_cost_bps"]
            for name, overrides in sorted(thresholds.strategies.items())
            if "max_cost_bps" in overrides
        }
        document["cost_limits_bps"] = limits
    return document


def bundle_files(
    config: ObservabilityConfig,
    *,
    budget: Budget | None = None,
    thresholds: Thresholds | None = None,
) -> dict[str, bytes]:
    """The bundle's files (relative POSIX path -> bytes) before signing."""
    period = budget.period if budget is not None else "month"
    dashboard = json.dumps(build_dashboard(config), indent=2, ensure_ascii=False) + "\n"
    return {
        DASHBOARD_PATH: dashboard.encode("utf-8"),
        RULES_PATH: dump_yaml(build_rules(config, budget_period=period)).encode("utf-8"),
        RULE_TESTS_PATH: dump_yaml(build_rule_tests(config, budget_period=period)).encode(),
        SLOS_PATH: dump_yaml(_slo_document(config, budget, thresholds)).encode("utf-8"),
        README_PATH: _README.format(version=version("stage5kit")).encode("utf-8"),
    }


def _zip_folder(folder: Path, target: Path) -> None:
    """Zip every file below ``folder`` in name order with fixed dates and modes."""
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.external_attr = _FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / name).read_bytes())


def write_bundle(
    out: str | Path,
    key: SigningKey,
    config: ObservabilityConfig,
    *,
    budget: Budget | None = None,
    thresholds: Thresholds | None = None,
) -> Path:
    """Write the signed bundle zip to ``out`` (atomically) and return its path."""
    files: Mapping[str, bytes] = bundle_files(config, budget=budget, thresholds=thresholds)
    target = Path(out)
    if target.is_dir():
        msg = f"{target}: is a folder; give the bundle's file name (e.g. stage5_bundle.zip)"
        raise InputError(msg, path=target)
    try:
        with tempfile.TemporaryDirectory(prefix="stage5-bundle-") as staging:
            root = Path(staging)
            for name, data in files.items():
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(data)
            sign_manifest(root, key, metadata={"bundle": BUNDLE_FORMAT})
            with atomic_path(target) as tmp:
                _zip_folder(root, tmp)
    except OSError as error:
        msg = f"{target}: cannot write the bundle ({error.strerror or type(error).__name__})"
        raise ResourceError(msg) from None
    return target
