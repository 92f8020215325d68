"""docs/signatures.md is accurate: its cryptography-only verifier accepts the kit's signatures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stage5kit.signing import generate_keypair, load_signing_key, sign_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "signatures.md"


def _doc_verifier() -> object:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    namespace: dict[str, object] = {}
    exec(blocks[0], namespace)  # noqa: S102 - running the documented snippet is the point
    return namespace["verify"]


@pytest.mark.parametrize("algorithm", ["hmac", "ed25519"])
def test_documented_python_verifier_accepts_and_rejects(algorithm: str, tmp_path: Path) -> None:
    """The doc's snippet verifies a kit signature and rejects the file once it is changed."""
    generated = generate_keypair(algorithm=algorithm, key_id="doc", out_dir=tmp_path)  # type: ignore[arg-type]
    target = tmp_path / "report.csv"
    target.write_text("kpi,value\n")
    sign_file(target, load_signing_key(str(generated.private_key_path)))
    verify = _doc_verifier()
    if generated.public_key_path is not None:
        key_args = {"public_pem": generated.public_key_path.read_bytes()}
    else:
        key_args = {"hmac_secret": bytes.fromhex(generated.private_key_path.read_text().strip())}
    assert verify(target, **key_args) is True  # type: ignore[operator]
    target.write_text("kpi,value\nforged\n")
    assert verify(target, **key_args) is False  # type: ignore[operator]


DOC_PAE_LINE = r'b"DSSEv1 29 http://example.com/HelloWorld 10 za\xc5\xbc\xc3\xb3\xc5\x82\xc4\x87"'


def test_documented_pae_example_matches() -> None:
    """The multi-byte PAE example in the doc is the real encoding."""
    from stage5kit.signing.dsse import pae

    assert DOC_PAE_LINE in DOC.read_text()
    encoded = pae("http://example.com/HelloWorld", "zażółć".encode())
    assert repr(encoded).replace("'", '"') == DOC_PAE_LINE
