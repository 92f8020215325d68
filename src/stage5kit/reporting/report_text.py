"""The prose of the report notebooks, one entry per section, in the report's language.

A notebook cell shows a section with ``section("tco.inputs", lang)``; the English text
here is the catalog's source, so ``lang="pl"`` shows its translation from ``locales/pl.po``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stage5kit.errors import ConfigError
from stage5kit.reporting.i18n import translate, translate_count

if TYPE_CHECKING:
    from IPython.display import Markdown

SECTIONS = {
    "tco.title": "TCO analysis",
    "tco.intro": (
        "The total cost of ownership (TCO) of the trading bot: what trading cost in fees, "
        "rebates and slippage, plus the infrastructure it runs on, where that cost comes "
        "from, and which limits and budgets it broke. Run it on your own trade log by "
        "changing the parameters, in JupyterLab or with `stage5kit report run "
        "notebooks/tco_analysis.ipynb -p trades_path my_trades.csv --out DIR`."
    ),
    "tco.inputs": (
        "## The inputs\n\nThe trade log is validated as it is read, in batches, so a log of "
        "any length fits in memory: a bad row stops the report with the file, row and column "
        "to fix. The charts of single trades show a fixed-size random sample of them."
    ),
    "tco.headline": (
        "## Headline KPIs\n\nCosts are in the trade log's quote currency; bps are basis points "
        "of traded notional. Positive is a cost; rebates and price improvement are negative. "
        "Execution cost is fees plus slippage; TCO adds the allocated infra cost."
    ),
    "tco.waterfall": (
        "## Where the money goes\n\nEach bar adds one cost component; rebates pull the total "
        "down. The biggest bar is where a saving matters most."
    ),
    "tco.over_time": (
        "## Cost over time\n\nDaily cost per trade and execution cost in bps, one line per "
        "strategy. Crosses mark anomalous days (cost above the mean + k standard deviations "
        "of the previous days): look at what changed on those days."
    ),
    "tco.budget": (
        "Spend against budget per period: a line above its dashed budget line (same colour) "
        "is an overspend."
    ),
    "tco.venues": (
        "## Slippage by venue\n\nThe spread of per-trade slippage on each venue (quartiles of "
        "a random sample of trades, with some of its outliers); a wide box or a high mean line "
        "points at the venue to renegotiate or route away from."
    ),
    "tco.latency": (
        "## Latency\n\nDecision latency percentiles per strategy, then slippage against "
        "latency. The table gives the slope: how many bps of slippage each +10 ms of latency "
        "costs."
    ),
    "tco.breaches": (
        "## Breaches\n\nEvery group whose cost, slippage or latency went over its limit, with "
        "the excess. An empty table means no limit was breached."
    ),
    "tco.meaning": "## What this means and what to do",
    "tco.data": (
        "## Data\n\nIn a report run the tables behind the charts are saved beside the report "
        "as CSV."
    ),
    "stress.title": "Cost stress test",
    "stress.intro": (
        "What would a fee hike, a liquidity crunch, a latency spike, a volume surge or a venue "
        "outage do to our trading costs and budget? This report replays the trade log's "
        "history with a block bootstrap (whole days, in runs, so bad days stay clustered), "
        "applies each scenario's shocks, and reads the result. The same numbers come from "
        "`stage5kit stress TRADES --out DIR`."
    ),
    "stress.history": (
        "## The history and the scenarios\n\nThe trade log is validated and costed with the "
        "same model as the TCO report, in batches, and reduced to daily sums per venue, so a "
        "log of any length fits in memory; the scenarios are checked against its venues."
    ),
    "stress.simulation": (
        "## Simulation\n\nEach path draws whole historical days in blocks, then applies the "
        "scenario; every scenario sees the same drawn days, so differences between scenarios "
        "are the shocks and not noise."
    ),
    "stress.reading": "## What the numbers say",
    "stress.fan": (
        "## Cost over the horizon\n\nThe line is the median cumulative cost; the bands hold "
        "the middle 50% and 90% of paths. A wide band means the scenario makes the month hard "
        "to predict, not only dearer."
    ),
    "stress.distribution": (
        "## Distribution of the period cost\n\nOne box per scenario over all paths; the dashed "
        "line is the budget. Boxes above the line are budget overruns in most paths."
    ),
    "stress.tail": (
        "## Tail risk: VaR and expected shortfall\n\nVaR95 is the daily cost exceeded on one "
        "day in twenty; ES97.5 is the average of the worst 2.5% of days. Plan cash and limits "
        "for ES, not for the average day."
    ),
    "stress.probabilities": (
        "## Breach probabilities\n\nThe share of paths whose period cost breaks the budget, "
        "and whose net PnL (gross edge minus costs) is negative."
    ),
    "stress.tornado": (
        "## Which scenario hurts most\n\nThe tornado ranks scenarios by their mean change of "
        "period cost against baseline; whiskers show the 5-95% range over paths. Work on the "
        "longest bars first."
    ),
    "stress.full_table": (
        "## Full table\n\nEvery metric per scenario, with its change against baseline "
        "(`delta_` columns)."
    ),
    "exercise.title": "Cost growth simulation - {participant}",
    "exercise.intro": (
        "The hands-on exercise of the Stage5 workshop (agenda block 5, "
        "`workshop/cwiczenie.md`): **cost growth simulation**. From some day on, the "
        "strategies' costs grow. Your task: generate your own trade log, compute the TCO, "
        "find the day and the place of the growth, read the engine's decision for an order, "
        "check the key rotation state, assess the risk in a stress test and write a message "
        "for the OEM. Write each answer in the **Your answer** cell in place of `...`; the "
        "`sprawdz(n, ...)` cell below it says whether it is right and gives a hint when it "
        "is not. Set your name and your own `seed` (the facilitator gives it to you) in the "
        "parameters cell, then *Run → Run All Cells*."
    ),
    "exercise.step1": (
        "## Step 1 - your own trade log\n\n"
        "The log is synthetic but has the workshop's cost structure: several strategies, "
        "four venues, maker/taker fees, slippage growing with decision latency. The same "
        "`seed` gives an identical log - the report holds it as `trades.csv`, and its "
        "SHA-256 digest is in the signed manifest, so the facilitator can check that the "
        "report was made from your seed."
    ),
    "exercise.step2": (
        "## Step 2 - TCO analysis\n\n"
        "KPIs computed as in `notebooks/tco_analysis.ipynb` and `stage5kit tco` (glossary: "
        "`workshop/kpi.md`). Costs are in the log's currency, bps are basis points of "
        "notional; a positive value is a cost."
    ),
    "exercise.step3": (
        "## Step 3 - when and where costs grew\n\n"
        "Daily execution cost of all strategies together: the tool finds the day on which "
        "the level changed most clearly (one change point, least squares) and compares the "
        "periods before and after it. The dashed lines are the mean levels of the two "
        "periods."
    ),
    "exercise.answer_shift": (
        "**Your answer (questions 1 and 2):** from which day is the execution cost at its "
        "new level (text `YYYY-MM-DD`), and by how many basis points did it change (after "
        "minus before)?"
    ),
    "exercise.anomalies": (
        "Cost per trade by strategy, day by day. Crosses are anomalies: days above the "
        "30-day moving average + 2.5 standard deviations. Anomalies are single bad days; a "
        "change of level is a lasting increase - each calls for a different response."
    ),
    "exercise.compare": (
        "Before and after the change, by strategy and by venue, from the largest increase of "
        "execution cost. The change of fees and of slippage tells whether the growth comes "
        "from fees or from slippage; the change of decision latency - whether we decide more "
        "slowly; the extra cost - what the trades after the change cost above the earlier "
        "rate."
    ),
    "exercise.answer_strategy": (
        "**Your answer (question 3):** which strategy is responsible for the largest growth "
        "of execution cost?"
    ),
    "exercise.budget": (
        "Budget: the spend of each strategy in each month against its monthly budget "
        "(`budget.yaml`); status `ok` below 80%, `warn` from 80%, `critical` from 90%, "
        "`over` above 100%."
    ),
    "exercise.answer_budget": (
        "**Your answer (question 4):** what budget status does the strategy of question 3 "
        "have in the last month of the log?"
    ),
    "exercise.decision": (
        "## Step 3a - the engine's decision for a candidate order\n\n"
        "What `stage5kit decide` and the decision-engine smoke test (`stage5kit smoke`) do: "
        "the last trade of your log comes back as a candidate order, and the risk-threshold "
        "engine checks it, one condition after another, against the desk's limits and the "
        "KPIs from the TCO (`tco_kpi`). Each row of `decision_path` is one condition: the "
        "measured value, the limit, whether the condition holds and the decision it leads to "
        "when it is the first one that does not; when every condition holds: `approve`."
    ),
    "exercise.answer_decision": (
        "**Your answer (question 5):** what did the engine decide: `approve`, `reduce`, "
        "`reject` or `escalate`?"
    ),
    "exercise.terminal": (
        "## Step 3b - decision-engine smoke test and decision log (in the terminal)\n"
        "\n"
        "You do these steps in the terminal, in your workspace `moje` (`stage5kit init moje && cd "
        "moje`, with `.venv` active), because they need keys, and a key never enters the "
        "notebook's kernel:\n"
        "\n"
        "1. `stage5kit smoke --key file:klucze/warsztat-$(whoami).key --ticket INC-<your seed>` - "
        "the decision-engine smoke test: it writes `logs/decision_engine/sample_incident.json` and"
        " `smoke.sig`, and with `--ticket` appends a `stage5_incident` entry to the decision log. "
        "In `sample_incident.json` read the `decision_path` (the conditions in turn) and `tco_kpi`"
        " (the TCO KPIs used in the decision) fields of a few orders - just like the "
        "`decision_path` table above. A finished example: "
        "`sample_artifacts/smoke/sample_incident.json`.\n"
        "2. `stage5kit decision-log verify` - expected: the log is intact and its last entry is "
        "your `stage5_incident`; `stage5kit decision-log show` shows it with its ticket number.\n"
        "3. `stage5kit audit --profile stage5 --key file:klucze/warsztat-$(whoami).key` - the "
        "compliance report: `status`, the list of `issues` and of `warnings`, and "
        "`compliance_audit_score`. In a fresh workspace you will see `status: fail`, "
        "`compliance_audit_score: 28`, 4 issues and 1 warning (exit code 1): the TCO report "
        "(`tco_report`), the key rotation registry (`key_rotation`), the training record "
        "(`training`) and the thresholds file (`thresholds`) are missing, and the decision log has"
        " no `stage5_training` entry yet. That is expected - for each control read what it "
        "concerns and how to fix it.\n"
        "4. `cp ../sample_artifacts/keys/key_rotation.json var/security/` - the sample key "
        "rotation registry goes where the `keys` commands and the audit read it. Then `stage5kit "
        "keys status --today 2026-05-01` - the keys' rotation state on 1 May 2026 (`ok`, `due` - "
        "to rotate, `overdue` - past its date) - and `stage5kit keys rotate --bundle core-oem "
        "--today 2026-05-01 --dry-run` - the rotation plan on that day, without changing anything;"
        " `--execute` rotates (dated today) and appends a `key_rotation` entry to the decision "
        "log."
    ),
    "exercise.rotation": (
        "## Step 3c - key rotation plan\n"
        "\n"
        "The key registry of the workshop's sample (`sample_artifacts/keys/key_rotation.json`, as "
        "`stage5kit keys status` reads it): every active key with its last rotation, its age in "
        "days, the day its rotation window opens (`interval_days - warning_days` days after the "
        "last rotation) and its rotation due date (`interval_days` after it). Before the window a "
        "key is `ok`, from the window to the due date it is `due`, after the due date `overdue`. "
        "In the terminal, in `moje`, `stage5kit keys status --registry "
        "../sample_artifacts/keys/key_rotation.json --today 2026-05-01` shows the same with the "
        "state, and `stage5kit keys rotate --bundle core-oem --registry "
        "../sample_artifacts/keys/key_rotation.json --today 2026-05-01 --dry-run` the rotation "
        "plan on that day."
    ),
    "exercise.answer_rotation": (
        "**Your answer (question 6):** what is the rotation state of key `{key_id}` on "
        "{day}: `ok`, `due` or `overdue`?"
    ),
    "exercise.step4": (
        "## Step 4 - stress test\n\n"
        "What if the growth lasts and speeds up? Scenario `exercise_cost_growth` (fees +25%, "
        "slippage +1.5 bps, latency +10 ms, volume x1.5) against the baseline scenario "
        "(`baseline`, history unchanged). The simulation draws whole days from your log in "
        "blocks, so bad days stay together; the same `seed` gives the same numbers."
    ),
    "exercise.dashboard": (
        "## Step 4a - dashboard and alerts\n"
        "\n"
        "The same alert rules that `stage5kit bundle export` sends to Prometheus, replayed on your"
        " log: when the error-budget burn-rate alert for the execution cost would fire and when it"
        " would clear. In the terminal, `stage5kit alerts replay <log>` gives the same; you make "
        "the observability bundle (Grafana dashboard, rules, promtool tests) with `stage5kit "
        "bundle export --key file:…` and verify it without unpacking (in `moje`): `stage5kit "
        "verify var/audit/observability/stage5_bundle.zip --public-key "
        "klucze/warsztat-$(whoami).pub`. A finished example to verify with the DEMO public key: "
        "`stage5kit verify sample_artifacts/observability/stage5_bundle.zip --public-key "
        "sample_artifacts/demo_key/DEMO-KEY-NOT-FOR-PRODUCTION.pub` (in the kit's folder)."
    ),
    "exercise.step5": (
        "## Step 5 - message for the OEM\n\n"
        "A six-sentence draft built from the numbers above: what grew and by how much, "
        "where, why, what the budget risk is, how likely a net loss is and what we propose. "
        "Read it critically and rewrite it in your own words; attach the signed report "
        "folder to the message - the recipient verifies it with the public key (`stage5kit "
        "verify`)."
    ),
    "exercise.answer_message": (
        "**Your answer (question 7):** write the message for the OEM from the template "
        '`workshop/szablon_komunikatu_oem.md`: the day of the change (e.g. "14 marca 2026"), '
        'the change of cost in basis points with its sign (e.g. "+1,23"), the strategy, and '
        'from the stress test the probability of a negative net result (e.g. "87,5%"). You '
        "can start from the draft above (`message`)."
    ),
    "exercise.step6": (
        "## Step 6 - results for the report\n\n"
        "The key numbers go into the signed report's `results.json`, the tables beside it as "
        "CSV."
    ),
    "exercise.summary": (
        "## Summary and signature\n\n"
        "The result of each check goes into the report's `results.json` (`check_1` … "
        "`check_7`). You sign the report outside the notebook - the key never enters the "
        "notebook's kernel. When every check is passed, `stage5kit report run` appends, "
        "after signing, a `stage5_training` entry (kind `exercise`) with your name to the "
        "decision log."
    ),
}


def section_text(key: str, lang: str, **fields: object) -> str:
    """The Markdown of section ``key`` in ``lang``."""
    if key not in SECTIONS:
        msg = f"no report section {key!r}; known: {', '.join(sorted(SECTIONS))}"
        raise ConfigError(msg)
    return translate(lang, SECTIONS[key], **fields)


def section(key: str, lang: str, **fields: object) -> Markdown:
    """Section ``key`` in ``lang`` as Markdown a notebook cell displays."""
    from IPython.display import Markdown

    return Markdown(section_text(key, lang, **fields))  # type: ignore[no-untyped-call]


def trade_log_size(lang: str, *, trades: int, strategies: int, venues: int) -> str:
    """The size of a trade log in words, each count in its plural form.

    ``20 000 transakcji, 5 strategii, 4 giełdy`` in Polish (``1 transakcja``,
    ``22 transakcje``); ``20,000 trades, 5 strategies, 4 venues`` in English.
    """
    return ", ".join(
        [
            translate_count(lang, "{count} trade", "{count} trades", trades),
            translate_count(lang, "{count} strategy", "{count} strategies", strategies),
            translate_count(lang, "{count} venue", "{count} venues", venues),
        ]
    )
