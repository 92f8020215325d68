"""Private key files open to group or others are refused, like ssh; the demo key is exempt."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from stage5kit.cli import main
from stage5kit.errors import KeyMaterialError
from stage5kit.signing import (
    check_signing_key,
    generate_keypair,
    load_signing_key,
    load_verification_key,
    write_demo_keypair,
)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
@pytest.mark.parametrize("algorithm", ["hmac", "ed25519"])
def test_a_private_key_file_open_to_others_is_refused(
    tmp_path: Path, mode: int, algorithm: str
) -> None:
    """Mode 0644 and friends: KeyMaterialError (exit 2) naming the file and `chmod 600`."""
    keys = generate_keypair(algorithm=algorithm, key_id="ops", out_dir=tmp_path)  # type: ignore[arg-type]
    keys.private_key_path.chmod(mode)
    with pytest.raises(KeyMaterialError) as caught:
        load_signing_key(f"file:{keys.private_key_path}")
    message = str(caught.value)
    assert f"chmod 600 {keys.private_key_path}" in message
    assert f"mode {mode:04o}" in message
    assert caught.value.exit_code == 2
    with pytest.raises(KeyMaterialError, match="chmod 600"):
        check_signing_key(f"file:{keys.private_key_path}")
    with pytest.raises(KeyMaterialError, match="chmod 600"):
        load_verification_key(f"file:{keys.private_key_path}")


def test_a_0600_key_file_loads_and_a_public_key_may_be_world_readable(tmp_path: Path) -> None:
    """0600 private keys load; a 0644 public key is fine (it is public)."""
    keys = generate_keypair(algorithm="ed25519", key_id="ops", out_dir=tmp_path)
    assert keys.public_key_path is not None
    keys.public_key_path.chmod(0o644)
    assert load_signing_key(f"file:{keys.private_key_path}").key_id == "ops"
    assert load_verification_key(public_key=keys.public_key_path).key_id == "ops"


def test_the_public_by_design_demo_key_loads_whatever_its_mode(tmp_path: Path) -> None:
    """The committed demo key (git keeps no 0600) is accepted at 0644."""
    demo = write_demo_keypair(tmp_path)
    demo.private_key_path.chmod(0o644)
    assert load_signing_key(f"file:{demo.private_key_path}").algorithm == "ed25519"


def test_the_cli_refuses_a_group_readable_key_with_the_fix(tmp_path: Path) -> None:
    """`stage5kit sign --key file:<0644 key>` exits 2 with the chmod hint and no traceback."""
    keys = generate_keypair(algorithm="hmac", key_id="ops", out_dir=tmp_path)
    keys.private_key_path.chmod(0o644)
    target = tmp_path / "data.txt"
    target.write_text("payload")
    outcome = CliRunner().invoke(
        main, ["sign", str(target), "--key", f"file:{keys.private_key_path}"]
    )
    assert outcome.exit_code == 2
    assert "chmod 600" in outcome.stderr
    assert "Traceback" not in outcome.output
