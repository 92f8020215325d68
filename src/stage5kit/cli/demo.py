"""`stage5kit demo --out DIR`: the TCO report on the sample data, signed with a demo key."""

from __future__ import annotations

from pathlib import Path

import click

from stage5kit.cli._options import out_dir_option

DEMO_NOTEBOOK = "tco_analysis"


@click.command("demo")
@out_dir_option("Folder for the demo key (demo-key/) and the signed report (tco-report/).")
def demo(out_dir: Path) -> None:
    """Generate a demo key in OUT, run the TCO report on the sample data, sign and verify it."""
    from stage5kit.cli._options import format_kpi
    from stage5kit.reporting import bundled_notebooks, run_report
    from stage5kit.signing import load_signing_key, verify_manifest
    from stage5kit.signing.demo_key import DEMO_KEY_ID, ensure_demo_signing_key

    private = ensure_demo_signing_key(out_dir / "demo-key")
    key = load_signing_key(f"file:{private}", key_id=DEMO_KEY_ID)
    click.echo(f"demo key (NOT for production): {private}")
    notebook = next(n.path for n in bundled_notebooks() if n.name == DEMO_NOTEBOOK)
    result = run_report(notebook, parameters={}, out_dir=out_dir / "tco-report", key=key)
    verdict = verify_manifest(result.folder, key.verification_key())
    click.echo(f"signature: {verdict.status} ({verdict.message})")
    for name, value in sorted(result.results.items()):
        click.echo(f"  {name}: {format_kpi(value)}")
    click.echo(f"report: {result.html.resolve()}")
    if not verdict.ok:
        raise click.exceptions.Exit(1)
