"""Every way of tampering with a signed file or folder verifies as invalid, never a traceback."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.signing import (
    SigningKey,
    VerificationKey,
    generate_keypair,
    load_signing_key,
    load_verification_key,
    sign_file,
    sign_manifest,
    verify_file,
    verify_manifest,
)
from stage5kit.signing.dsse import seal_envelope

CONTENT = bytes(range(256)) * 2
HMAC_KEY = load_signing_key(f"hex:{'11' * 32}", key_id="tamper-hmac")
OTHER_HMAC_KEY = load_signing_key(f"hex:{'22' * 32}", key_id="tamper-hmac")
OPAQUE = "signature does not verify"


@pytest.fixture(scope="module")
def ed25519_key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    """An Ed25519 key loaded from a generated PEM file."""
    folder = tmp_path_factory.mktemp("ed")
    generated = generate_keypair(algorithm="ed25519", key_id="tamper-ed", out_dir=folder)
    return load_signing_key(str(generated.private_key_path))


@pytest.fixture(scope="module")
def signed_sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 512-byte file signed with the HMAC key (shared by hypothesis examples)."""
    folder = tmp_path_factory.mktemp("flip")
    target = folder / "sample.bin"
    target.write_bytes(CONTENT)
    sign_file(target, HMAC_KEY)
    yield target
    target.write_bytes(CONTENT)


@pytest.fixture
def signed_file(tmp_path: Path) -> Path:
    """A small file signed with the HMAC key."""
    target = tmp_path / "data.csv"
    target.write_bytes(b"day,cost\n2026-01-01,12.5\n")
    sign_file(target, HMAC_KEY)
    return target


@pytest.fixture
def signed_folder(tmp_path: Path) -> Path:
    """A folder of three files (one nested) signed with the HMAC key."""
    folder = tmp_path / "report"
    (folder / "data").mkdir(parents=True)
    (folder / "report.html").write_text("<h1>TCO</h1>")
    (folder / "data" / "kpis.csv").write_text("kpi,value\nslippage_bps,3.1\n")
    (folder / "notes.txt").write_text("ok")
    sign_manifest(folder, HMAC_KEY, metadata={"strategy": "mm"})
    return folder


def _verifier(key: SigningKey = HMAC_KEY) -> VerificationKey:
    return key.verification_key()


def _assert_opaque(report_status: str, message: str) -> None:
    assert (report_status, message) == ("invalid", OPAQUE)


@given(position=st.integers(0, len(CONTENT) - 1), mask=st.integers(1, 255))
def test_any_flipped_byte_is_invalid(signed_sample: Path, position: int, mask: int) -> None:
    """Flipping any bit pattern of any one byte of a signed file makes it invalid (modified)."""
    tampered = bytearray(CONTENT)
    tampered[position] ^= mask
    signed_sample.write_bytes(bytes(tampered))
    try:
        report = verify_file(signed_sample, _verifier())
    finally:
        signed_sample.write_bytes(CONTENT)
    assert (report.status, report.modified) == ("invalid", ("sample.bin",))


def test_untouched_file_is_ok(signed_file: Path) -> None:
    """The control case: an untouched signed file is ok."""
    assert verify_file(signed_file, _verifier()).status == "ok"


def test_truncated_file_is_invalid(signed_file: Path) -> None:
    """A file cut short is reported modified."""
    signed_file.write_bytes(signed_file.read_bytes()[:-1])
    assert verify_file(signed_file, _verifier()).modified == ("data.csv",)


def test_extended_file_is_invalid(signed_file: Path) -> None:
    """A file with bytes appended is reported modified."""
    signed_file.write_bytes(signed_file.read_bytes() + b"\n")
    assert verify_file(signed_file, _verifier()).modified == ("data.csv",)


def test_emptied_file_is_invalid(signed_file: Path) -> None:
    """A file emptied to zero bytes is reported modified."""
    signed_file.write_bytes(b"")
    assert verify_file(signed_file, _verifier()).status == "invalid"


def test_renamed_file_with_its_signature_is_invalid(signed_file: Path) -> None:
    """A file renamed together with its .sig no longer matches the signed name."""
    renamed = signed_file.with_name("other.csv")
    signed_file.rename(renamed)
    Path(f"{signed_file}.sig").rename(f"{renamed}.sig")
    report = verify_file(renamed, _verifier())
    _assert_opaque(report.status, report.message)


def test_renamed_file_without_signature_is_missing(signed_file: Path) -> None:
    """A file renamed without its .sig has no signature: status missing."""
    renamed = signed_file.with_name("other.csv")
    signed_file.rename(renamed)
    assert verify_file(renamed, _verifier()).status == "missing"


def test_deleted_file_with_signature_left_is_invalid(signed_file: Path) -> None:
    """A signature whose file is gone reports the file missing."""
    signed_file.unlink()
    report = verify_file(signed_file, _verifier())
    assert (report.status, report.missing) == ("invalid", ("data.csv",))


def test_file_signed_by_another_key_is_invalid(signed_file: Path) -> None:
    """A signature by another key with the same key id is invalid."""
    sign_file(signed_file, OTHER_HMAC_KEY)
    report = verify_file(signed_file, _verifier())
    _assert_opaque(report.status, report.message)


def _envelope(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(Path(f"{path}.sig").read_text())
    return document


def _write_envelope(path: Path, document: dict[str, object]) -> None:
    Path(f"{path}.sig").write_text(json.dumps(document))


def test_swapped_key_id_is_invalid(signed_file: Path) -> None:
    """Changing the envelope's keyid (outside the signature) fails: the payload names the signer."""
    document = _envelope(signed_file)
    document["signatures"][0]["keyid"] = "someone-else"  # type: ignore[index]
    _write_envelope(signed_file, document)
    report = verify_file(signed_file, _verifier())
    _assert_opaque(report.status, report.message)


@pytest.mark.parametrize("field", ["payload", "payloadType", "sig", "keyid"])
def test_each_edited_envelope_field_is_invalid(signed_file: Path, field: str) -> None:
    """Editing any one envelope field (to another well-formed value) makes it invalid."""
    document = _envelope(signed_file)
    signature: dict[str, str] = document["signatures"][0]  # type: ignore[index]
    if field == "payload":
        payload = base64.b64decode(str(document["payload"])).replace(b"data.csv", b"evil.csv")
        document["payload"] = base64.b64encode(payload).decode()
    elif field == "payloadType":
        document["payloadType"] = "application/vnd.dsse+json"
    elif field == "sig":
        raw = bytearray(base64.b64decode(signature["sig"]))
        raw[0] ^= 1
        signature["sig"] = base64.b64encode(bytes(raw)).decode()
    else:
        signature["keyid"] = "tamper-hmac2"
    _write_envelope(signed_file, document)
    report = verify_file(signed_file, _verifier())
    _assert_opaque(report.status, report.message)


def test_payload_resealed_with_changed_predicate_by_other_key_is_invalid(signed_file: Path) -> None:
    """An attacker's own envelope over a matching statement still fails under the owner's key."""
    payload = base64.b64decode(str(_envelope(signed_file)["payload"]))
    Path(f"{signed_file}.sig").write_bytes(seal_envelope(payload, OTHER_HMAC_KEY))
    report = verify_file(signed_file, _verifier())
    _assert_opaque(report.status, report.message)


def test_hmac_envelope_under_ed25519_key_is_invalid(
    signed_file: Path, ed25519_key: SigningKey
) -> None:
    """An HMAC-signed file offered to an Ed25519 verifier is invalid."""
    report = verify_file(signed_file, ed25519_key.verification_key())
    _assert_opaque(report.status, report.message)


def test_ed25519_envelope_under_hmac_key_is_invalid(
    signed_file: Path, ed25519_key: SigningKey
) -> None:
    """An Ed25519-signed file offered to an HMAC verifier is invalid."""
    sign_file(signed_file, ed25519_key)
    report = verify_file(signed_file, _verifier())
    _assert_opaque(report.status, report.message)


def test_ed25519_signature_by_another_key_is_invalid(signed_file: Path, tmp_path: Path) -> None:
    """An Ed25519 signature by a different Ed25519 key fails with the expected public key."""
    mine = generate_keypair(algorithm="ed25519", key_id="mine", out_dir=tmp_path / "a")
    theirs = generate_keypair(algorithm="ed25519", key_id="mine", out_dir=tmp_path / "b")
    sign_file(signed_file, load_signing_key(str(theirs.private_key_path)))
    report = verify_file(signed_file, load_verification_key(public_key=mine.public_key_path))
    _assert_opaque(report.status, report.message)


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage", b"{}", b"[]", b"null", b"\xff\xfe", b"[" * 100_000, b'{"payload":'],
    ids=["empty", "text", "empty object", "list", "null", "not utf8", "deep nesting", "cut"],
)
def test_empty_or_garbage_signature_is_invalid(signed_file: Path, content: bytes) -> None:
    """An empty, garbage, truncated or absurdly nested .sig is invalid, not a crash."""
    Path(f"{signed_file}.sig").write_bytes(content)
    report = verify_file(signed_file, _verifier())
    _assert_opaque(report.status, report.message)


@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_as_signature_are_invalid(signed_sample: Path, data: bytes) -> None:
    """Any bytes in the .sig verify as invalid without raising."""
    sig = Path(f"{signed_sample}.sig")
    original = sig.read_bytes()
    sig.write_bytes(data)
    try:
        report = verify_file(signed_sample, _verifier())
    finally:
        sig.write_bytes(original)
    assert report.status == "invalid"


@given(position=st.integers(0, 10_000), mask=st.integers(1, 255))
def test_flipped_signature_byte_is_invalid_or_harmless(
    signed_sample: Path, position: int, mask: int
) -> None:
    """A flipped .sig byte is invalid unless it left the JSON meaning intact (e.g. whitespace)."""
    sig = Path(f"{signed_sample}.sig")
    original = sig.read_bytes()
    tampered = bytearray(original)
    tampered[position % len(original)] ^= mask
    sig.write_bytes(bytes(tampered))
    try:
        report = verify_file(signed_sample, _verifier())
    finally:
        sig.write_bytes(original)
    if report.status == "ok":
        assert json.loads(bytes(tampered)) == json.loads(original)
    else:
        assert report.status == "invalid"


def test_missing_signature_is_missing(tmp_path: Path) -> None:
    """A file that was never signed has status missing and names the absent .sig."""
    target = tmp_path / "plain.txt"
    target.write_text("x")
    report = verify_file(target, _verifier())
    assert (report.status, report.missing) == ("missing", ("plain.txt.sig",))


def test_untouched_folder_is_ok(signed_folder: Path) -> None:
    """The control case: an untouched signed folder is ok."""
    assert verify_manifest(signed_folder, _verifier()).status == "ok"


def test_file_added_to_folder_is_unexpected(signed_folder: Path) -> None:
    """A file added to a signed folder is listed as unexpected."""
    (signed_folder / "data" / "extra.csv").write_text("x")
    report = verify_manifest(signed_folder, _verifier())
    assert (report.status, report.unexpected) == ("invalid", ("data/extra.csv",))


def test_file_removed_from_folder_is_missing(signed_folder: Path) -> None:
    """A file removed from a signed folder is listed as missing."""
    (signed_folder / "notes.txt").unlink()
    report = verify_manifest(signed_folder, _verifier())
    assert (report.status, report.missing) == ("invalid", ("notes.txt",))


def test_file_modified_in_folder_is_modified(signed_folder: Path) -> None:
    """A same-size edit inside a signed folder is listed as modified."""
    (signed_folder / "data" / "kpis.csv").write_text("kpi,value\nslippage_bps,9.1\n")
    report = verify_manifest(signed_folder, _verifier())
    assert (report.status, report.modified) == ("invalid", ("data/kpis.csv",))


def test_file_renamed_in_folder_is_missing_and_unexpected(signed_folder: Path) -> None:
    """A renamed file shows as its old name missing and its new name unexpected."""
    (signed_folder / "notes.txt").rename(signed_folder / "notes.md")
    report = verify_manifest(signed_folder, _verifier())
    assert (report.missing, report.unexpected) == (("notes.txt",), ("notes.md",))


def test_file_replaced_by_symlink_is_modified(signed_folder: Path, tmp_path: Path) -> None:
    """A listed file replaced by a symlink to identical bytes is still modified."""
    outside = tmp_path / "outside.txt"
    outside.write_text("ok")
    (signed_folder / "notes.txt").unlink()
    (signed_folder / "notes.txt").symlink_to(outside)
    assert verify_manifest(signed_folder, _verifier()).modified == ("notes.txt",)


def test_edited_manifest_is_invalid(signed_folder: Path) -> None:
    """Editing manifest.json (e.g. to bless a changed file) makes the manifest modified."""
    manifest = signed_folder / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"mm"', b'"xx"'))
    report = verify_manifest(signed_folder, _verifier())
    assert (report.status, report.modified) == ("invalid", ("manifest.json",))


def test_manifest_signature_by_another_key_is_invalid(signed_folder: Path) -> None:
    """A folder re-signed by another key is invalid under the owner's key."""
    sign_manifest(signed_folder, OTHER_HMAC_KEY, metadata={"strategy": "mm"})
    report = verify_manifest(signed_folder, _verifier())
    _assert_opaque(report.status, report.message)


def test_removed_manifest_signature_is_missing(signed_folder: Path) -> None:
    """A folder whose manifest.json.sig was removed is missing."""
    (signed_folder / "manifest.json.sig").unlink()
    report = verify_manifest(signed_folder, _verifier())
    assert (report.status, report.missing) == ("missing", ("manifest.json.sig",))


def test_removed_manifest_is_missing(signed_folder: Path) -> None:
    """A folder whose manifest.json was removed is missing."""
    (signed_folder / "manifest.json").unlink()
    assert verify_manifest(signed_folder, _verifier()).status == "missing"


def test_garbage_manifest_signature_is_invalid(signed_folder: Path) -> None:
    """A garbage manifest.json.sig is invalid."""
    (signed_folder / "manifest.json.sig").write_text("not json")
    report = verify_manifest(signed_folder, _verifier())
    _assert_opaque(report.status, report.message)


def test_folder_copied_elsewhere_still_verifies(signed_folder: Path, tmp_path: Path) -> None:
    """Paths are relative: a signed folder moved elsewhere still verifies."""
    moved = shutil.copytree(signed_folder, tmp_path / "moved")
    assert verify_manifest(moved, _verifier()).status == "ok"


def test_excluded_paths_are_ignored(tmp_path: Path) -> None:
    """Files matching an exclude glob are neither listed nor reported as unexpected later."""
    folder = tmp_path / "run"
    (folder / "cache").mkdir(parents=True)
    (folder / "out.csv").write_text("1")
    (folder / "cache" / "a.tmp").write_text("t")
    manifest = sign_manifest(folder, HMAC_KEY, exclude=["cache/*"])
    assert b"cache/a.tmp" not in manifest.read_bytes()
    (folder / "cache" / "b.tmp").write_text("t")
    assert verify_manifest(folder, _verifier()).status == "ok"


def test_manifest_lists_path_size_and_sha256(signed_folder: Path) -> None:
    """manifest.json lists each file's relative POSIX path, size and sha256, sorted by path."""
    import hashlib

    document = json.loads((signed_folder / "manifest.json").read_bytes())
    assert [entry["path"] for entry in document["files"]] == [
        "data/kpis.csv",
        "notes.txt",
        "report.html",
    ]
    entry = document["files"][1]
    assert entry == {"path": "notes.txt", "sha256": hashlib.sha256(b"ok").hexdigest(), "size": 2}
    assert document["metadata"] == {"strategy": "mm"}


def test_symlink_in_folder_is_refused_when_signing(tmp_path: Path) -> None:
    """Signing a folder that holds a symbolic link is refused with an InputError."""
    from stage5kit.errors import InputError

    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(InputError, match="symbolic links"):
        sign_manifest(folder, HMAC_KEY)
    assert not (folder / "manifest.json").exists()


@pytest.mark.parametrize(
    "entry",
    [
        {"path": "../outside.txt", "sha256": "0" * 64, "size": 1},
        {"path": "/etc/passwd", "sha256": "0" * 64, "size": 1},
        {"path": "a/./b", "sha256": "0" * 64, "size": 1},
        {"path": "ok.txt", "sha256": "0" * 64, "size": True},
        {"path": "ok.txt", "sha256": "XYZ", "size": 1},
    ],
    ids=["dotdot", "absolute", "dot segment", "bool size", "bad digest"],
)
def test_signed_but_malformed_manifest_is_invalid(tmp_path: Path, entry: dict[str, object]) -> None:
    """A manifest with an unsafe path or bad entry is invalid even when its signature is good."""
    from stage5kit.signing import canonicalize_json

    document = {"exclude": [], "files": [entry], "format": "stage5kit-manifest/v1", "metadata": {}}
    (tmp_path / "manifest.json").write_bytes(canonicalize_json(document))
    sign_file(tmp_path / "manifest.json", HMAC_KEY)
    report = verify_manifest(tmp_path, _verifier())
    _assert_opaque(report.status, report.message)
