"""The exported rules, rule tests and metrics pass the real promtool; broken ones fail it."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from stage5kit.compliance.observability import (
    BurnRateWindow,
    ObservabilityConfig,
    build_dashboard,
    build_rule_tests,
    build_rules,
    create_stage5_metrics,
    metric_series_names,
    write_bundle,
)
from stage5kit.compliance.observability.prometheus_rules import dump_yaml
from stage5kit.core import Budget
from stage5kit.signing import SigningKey

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "observability.md"
CONFIG = ObservabilityConfig()
_METRIC_NAME = re.compile(r"\b(stage5_[a-z0-9_]+)\b(?!\.)")  # not file names (stage5_rules.yml)

pytestmark = pytest.mark.slow


def _promtool(
    promtool: str, *args: str | Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _write_rules(
    folder: Path, rules: dict[str, object], tests: dict[str, object]
) -> tuple[Path, Path]:
    rules_path = folder / "stage5_rules.yml"
    tests_path = folder / "stage5_rules_test.yml"
    rules_path.write_text(dump_yaml(rules))
    tests_path.write_text(dump_yaml(tests))
    return rules_path, tests_path


def _docs_exposition() -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text.split("```text\n", 1)[1].split("```", 1)[0]


def test_promtool_checks_and_unit_tests_pass_on_the_exported_rules(
    promtool: str, tmp_path: Path
) -> None:
    """`promtool check rules` and `promtool test rules` pass on what the kit exports."""
    rules_path, tests_path = _write_rules(tmp_path, build_rules(CONFIG), build_rule_tests(CONFIG))
    checked = _promtool(promtool, "check", "rules", rules_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 31 rules found" in checked.stdout
    tested = _promtool(promtool, "test", "rules", tests_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_promtool_passes_the_files_inside_an_exported_bundle(
    promtool: str, tmp_path: Path, signing_key: SigningKey
) -> None:
    """The rules and rule tests exactly as `bundle export` zips them (weekly budget) pass."""
    budget = Budget(period="week", amounts={"momentum": 9000.0})
    bundle = write_bundle(tmp_path / "b.zip", signing_key, CONFIG, budget=budget)
    with zipfile.ZipFile(bundle) as archive:
        for name in ("prometheus/stage5_rules.yml", "prometheus/stage5_rules_test.yml"):
            (tmp_path / Path(name).name).write_bytes(archive.read(name))
    checked = _promtool(promtool, "check", "rules", tmp_path / "stage5_rules.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = _promtool(promtool, "test", "rules", tmp_path / "stage5_rules_test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_a_custom_config_exports_rules_whose_tests_pass(promtool: str, tmp_path: Path) -> None:
    """Other objectives, threshold, windows and a weekly budget still give passing rule tests."""
    config = ObservabilityConfig(
        objectives={"decision_latency": 0.999, "execution_cost": 0.98},
        latency_threshold_seconds=1.0,
        burn_rate_windows=(
            BurnRateWindow(factor=10, long_seconds=7200, short_seconds=600, severity="page"),
            BurnRateWindow(factor=2, long_seconds=86400, short_seconds=7200, severity="ticket"),
        ),
        min_events=5,
        budget_levels=(0.5, 1.0),
    )
    _, tests_path = _write_rules(
        tmp_path,
        build_rules(config, budget_period="week"),
        build_rule_tests(config, budget_period="week"),
    )
    tested = _promtool(promtool, "test", "rules", tests_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_a_rule_with_a_syntax_error_fails_promtool_check(promtool: str, tmp_path: Path) -> None:
    """A deliberately broken expression makes `promtool check rules` fail."""
    rules = build_rules(CONFIG)
    alert = rules["groups"][1]["rules"][0]  # type: ignore[index]
    alert["expr"] = alert["expr"].replace(" and ", " and and ", 1)
    rules_path, _ = _write_rules(tmp_path, rules, build_rule_tests(CONFIG))
    checked = _promtool(promtool, "check", "rules", rules_path)
    assert checked.returncode != 0
    assert "FAILED" in checked.stdout + checked.stderr


def test_a_rule_with_the_wrong_threshold_fails_the_rule_tests(
    promtool: str, tmp_path: Path
) -> None:
    """An alert whose threshold no incident can reach makes `promtool test rules` fail."""
    rules = build_rules(CONFIG)
    alert = rules["groups"][1]["rules"][0]  # type: ignore[index]
    alert["expr"] = alert["expr"].replace("(14.4 * 0.01)", "(144 * 0.01)")
    _, tests_path = _write_rules(tmp_path, rules, build_rule_tests(CONFIG))
    tested = _promtool(promtool, "test", "rules", tests_path)
    assert tested.returncode != 0
    assert "Stage5DecisionLatencyBurnRate1h5m" in tested.stdout + tested.stderr


def test_promtool_accepts_the_documented_exposition(promtool: str) -> None:
    """The example exposition in docs/observability.md passes `promtool check metrics`."""
    checked = _promtool(promtool, "check", "metrics", stdin=_docs_exposition())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout + checked.stderr == ""


def test_promtool_accepts_what_prometheus_client_publishes(promtool: str) -> None:
    """The metrics registered by create_stage5_metrics pass `promtool check metrics`."""
    from prometheus_client import generate_latest

    metrics = create_stage5_metrics()
    metrics.record_trade(
        strategy="momentum",
        venue="binance",
        notional=59_754.2,
        fee=23.9,
        slippage_cost=-4.1,
        decision_latency_seconds=0.068,
        over_cost_limit=True,
    )
    metrics.set_budget(strategy="momentum", period="month", amount=40_000)
    exposition = generate_latest(metrics.registry).decode()
    checked = _promtool(promtool, "check", "metrics", stdin=exposition)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert 'stage5_trade_cost_total{component="slippage",direction="received",' in exposition
    assert 'stage5_decision_latency_seconds_bucket{le="0.25",strategy="momentum"} 1.0' in exposition
    assert 'stage5_trade_cost_limit_breaches_total{strategy="momentum"} 1.0' in exposition


def test_promtool_rejects_a_badly_named_metric(promtool: str) -> None:
    """promtool's lint catches a counter without _total, so the check above is meaningful."""
    bad = "# HELP stage5_trades Trades.\n# TYPE stage5_trades counter\nstage5_trades 1\n"
    checked = _promtool(promtool, "check", "metrics", stdin=bad)
    assert checked.returncode != 0


def _metric_names(text: str) -> set[str]:
    return set(_METRIC_NAME.findall(text))


def test_rules_and_dashboard_use_only_documented_metrics() -> None:
    """Every stage5_* series in the rules, rule tests and dashboard is in the docs' exposition."""
    documented = {
        line.split("{")[0].split(" ")[0]
        for line in _docs_exposition().splitlines()
        if line and not line.startswith("#")
    }
    assert documented == set(metric_series_names())
    used = _metric_names(yaml.safe_dump(build_rules(CONFIG)))
    used |= _metric_names(yaml.safe_dump(build_rule_tests(CONFIG)))
    used |= _metric_names(str(build_dashboard(CONFIG)))
    assert used
    assert used <= documented, sorted(used - documented)
    for name in metric_series_names():
        assert name.endswith(
            ("_total", "_seconds_bucket", "_seconds_count", "_seconds_sum", "_budget")
        )
