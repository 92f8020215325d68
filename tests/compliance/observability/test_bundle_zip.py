"""Bundle zips are verified in place: each unsafe or tampered zip is refused, nothing written."""

from __future__ import annotations

import posixpath
import stat
import struct
import unicodedata
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.compliance.observability import (
    ObservabilityConfig,
    ZipLimits,
    verify_bundle,
    write_bundle,
)
from stage5kit.compliance.observability.bundle_zip import _name_problem
from stage5kit.errors import ArchiveError
from stage5kit.signing import SigningKey, VerificationKey, generate_keypair, load_verification_key

Entry = tuple[str, bytes]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory, signing_key: SigningKey) -> Path:
    """A genuine signed bundle."""
    return write_bundle(
        tmp_path_factory.mktemp("bundle") / "stage5_bundle.zip", signing_key, ObservabilityConfig()
    )


@pytest.fixture(scope="module")
def verification_key(signing_key: SigningKey) -> VerificationKey:
    """The public half of the bundle key."""
    return signing_key.verification_key()


def _entries(path: Path) -> list[Entry]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _rezip(target: Path, entries: list[Entry], *, mode: int = 0o100644) -> Path:
    # zipfile warns on a duplicate name; writing one is the point of some tests.
    with warnings.catch_warnings(), zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore", UserWarning)
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return target


def _with_extra(
    target: Path, bundle: Path, name: str, data: bytes = b"x", mode: int = 0o100644
) -> Path:
    """The bundle's entries plus one entry ``name`` with its own mode bits."""
    _rezip(target, _entries(bundle))
    with warnings.catch_warnings(), zipfile.ZipFile(target, "a") as archive:
        warnings.simplefilter("ignore", UserWarning)  # duplicate names on purpose
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = mode << 16
        archive.writestr(info, data)
    return target


def _listing(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def _refused(
    path: Path, key: VerificationKey, match: str, limits: ZipLimits | None = None
) -> ArchiveError:
    """Verify ``path`` expecting an ArchiveError matching ``match``; nothing may be written."""
    before = _listing(path.parent)
    with pytest.raises(ArchiveError, match=match) as caught:
        verify_bundle(path, key, limits=limits)
    assert _listing(path.parent) == before
    assert str(path) in str(caught.value)
    return caught.value


def test_genuine_bundle_verifies(bundle: Path, verification_key: VerificationKey) -> None:
    """The exported bundle verifies and lists every file in its manifest."""
    report = verify_bundle(bundle, verification_key)
    assert report.ok, report
    assert report.key_id == "ops"
    names = {name for name, _ in _entries(bundle)}
    assert {"manifest.json", "manifest.json.sig", "prometheus/stage5_rules.yml"} <= names


def test_export_is_byte_for_byte_reproducible(
    tmp_path: Path, bundle: Path, signing_key: SigningKey
) -> None:
    """Same config and key give the same bytes (fixed dates, modes and order; Ed25519 signs)."""
    again = write_bundle(tmp_path / "again.zip", signing_key, ObservabilityConfig())
    assert again.read_bytes() == bundle.read_bytes()


def test_wrong_key_does_not_verify(tmp_path: Path, bundle: Path) -> None:
    """Another key's public half gives the one opaque message."""
    generate_keypair(algorithm="ed25519", key_id="other", out_dir=tmp_path)
    other = load_verification_key(public_key=tmp_path / "other.pub")
    report = verify_bundle(bundle, other)
    assert (report.status, report.message) == ("invalid", "signature does not verify")


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("/etc/cron.d/evil", "absolute path"),
        ("C:/Windows/evil.dll", "drive letter"),
        ("c:evil", "drive letter"),
        ("dashboards\\evil.json", "backslash"),
        ("../evil.yml", r"'\.\.' component"),
        ("prometheus/../../evil.yml", r"'\.\.' component"),
        ("./evil.yml", r"'\.' component"),
        ("prometheus//evil.yml", "empty component"),
        ("prometheus/", "empty component|folder entry"),
        ("evil\x1b[2J.yml", "control characters"),
        ("README.txt", "appears twice"),
        ("readme.TXT", "clashes with 'README.txt' after case folding"),
    ],
)
def test_unsafe_entry_names_are_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey, name: str, match: str
) -> None:
    """Each unsafe name refuses the whole archive, naming the entry and why."""
    _refused(_with_extra(tmp_path / "bad.zip", bundle, name), verification_key, match)


def test_names_equal_after_unicode_normalisation_are_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """'café' composed and decomposed are one name to a file system: refused as a clash."""
    composed = unicodedata.normalize("NFC", "slo/café.yaml")
    decomposed = unicodedata.normalize("NFD", "slo/café.yaml")
    assert composed != decomposed
    path = _rezip(tmp_path / "bad.zip", [*_entries(bundle), (composed, b"a"), (decomposed, b"b")])
    _refused(path, verification_key, "clashes with")


def test_nul_in_a_name_is_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """A NUL byte hidden in an entry name (zipfile would cut the name there) is refused."""
    path = _with_extra(tmp_path / "bad.zip", bundle, "evil.ymlX")
    path.write_bytes(path.read_bytes().replace(b"evil.ymlX", b"evil.yml\x00"))
    _refused(path, verification_key, "NUL byte")


def test_symlink_entry_is_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """An entry whose mode says symbolic link is refused, whatever it points at."""
    path = _with_extra(
        tmp_path / "bad.zip", bundle, "link", b"/etc/passwd", mode=stat.S_IFLNK | 0o777
    )
    _refused(path, verification_key, "symbolic link")


def test_device_entry_is_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """An entry with a non-regular file mode (a FIFO) is refused."""
    path = _with_extra(tmp_path / "bad.zip", bundle, "fifo", b"", mode=stat.S_IFIFO | 0o644)
    _refused(path, verification_key, "not a regular file")


def test_encrypted_entry_is_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """An entry flagged as encrypted is refused before any read."""
    path = _with_extra(tmp_path / "bad.zip", bundle, "secret.bin")
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last entry's central-directory record
    flags = struct.unpack_from("<H", data, central + 8)[0]
    struct.pack_into("<H", data, central + 8, flags | 0x1)
    path.write_bytes(bytes(data))
    _refused(path, verification_key, "encrypted")


def test_too_many_entries_are_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """More entries than the cap (256 by default) refuse the archive."""
    entries = _entries(bundle) + [(f"filler/{n}.txt", b"") for n in range(260)]
    _refused(_rezip(tmp_path / "bad.zip", entries), verification_key, "entries, more than the 256")


def test_highly_compressed_entry_is_refused_as_a_bomb(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """An entry expanding more than 200 times (512 KiB of zeros) is refused as a zip bomb."""
    path = _rezip(tmp_path / "bad.zip", [*_entries(bundle), ("bomb.bin", bytes(512 << 10))])
    _refused(path, verification_key, "zip bomb")


def test_per_file_and_total_size_caps(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """Entries over the per-file cap, or together over the total cap, are refused."""
    _refused(
        bundle, verification_key, "declares .* bytes, over 1000", ZipLimits(max_file_bytes=1000)
    )
    _refused(
        bundle, verification_key, "more than 6000 bytes in total", ZipLimits(max_total_bytes=6000)
    )


def test_entry_whose_header_understates_its_size_is_refused(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """Headers are not trusted: manifest.json claiming fewer bytes than it holds is refused."""
    path = _rezip(tmp_path / "bad.zip", _entries(bundle))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("manifest.json")
    central = data.find(b"PK\x01\x02")
    while (
        data[central + 46 : central + 46 + struct.unpack_from("<H", data, central + 28)[0]]
        != b"manifest.json"
    ):
        central = data.find(b"PK\x01\x02", central + 4)
    for offset in (info.header_offset + 22, central + 24):  # uncompressed size: local, central
        assert struct.unpack_from("<I", data, offset)[0] == info.file_size
        struct.pack_into("<I", data, offset, 10)
    path.write_bytes(bytes(data))
    _refused(path, verification_key, "manifest.json.* refused")


def test_not_a_zip_is_refused(tmp_path: Path, verification_key: VerificationKey) -> None:
    """A file that is not a zip archive is refused as such."""
    path = tmp_path / "bundle.zip"
    path.write_bytes(b"not a zip at all")
    _refused(path, verification_key, "not a readable zip archive")


def test_unsigned_zip_is_reported_missing(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """A zip without manifest.json.sig is 'missing', naming what is absent."""
    entries = [e for e in _entries(bundle) if e[0] != "manifest.json.sig"]
    report = verify_bundle(_rezip(tmp_path / "unsigned.zip", entries), verification_key)
    assert (report.status, report.missing) == ("missing", ("manifest.json.sig",))


def _tampered(tmp_path: Path, bundle: Path, change: str) -> Path:
    entries = _entries(bundle)
    if change == "extra":
        entries.append(("prometheus/extra_rules.yml", b"groups: []\n"))
    elif change == "changed":
        entries = [
            (n, d.replace(b"14.4", b"99.9") if n == "prometheus/stage5_rules.yml" else d)
            for n, d in entries
        ]
    elif change == "renamed":
        entries = [(n.replace("stage5_slos", "stage5_slo"), d) for n, d in entries]
    elif change == "manifest":
        entries = [
            (n, d.replace(b'"size":', b'"size": ') if n == "manifest.json" else d)
            for n, d in entries
        ]
    return _rezip(tmp_path / f"{change}.zip", entries)


@pytest.mark.parametrize(
    ("change", "status", "modified", "missing", "unexpected"),
    [
        ("extra", "invalid", (), (), ("prometheus/extra_rules.yml",)),
        ("changed", "invalid", ("prometheus/stage5_rules.yml",), (), ()),
        ("renamed", "invalid", (), ("slo/stage5_slos.yaml",), ("slo/stage5_slo.yaml",)),
        ("manifest", "invalid", ("manifest.json",), (), ()),
    ],
)
def test_rezipped_tampering_is_reported_file_by_file(  # noqa: PLR0917 - parametrized
    tmp_path: Path,
    bundle: Path,
    verification_key: VerificationKey,
    change: str,
    status: str,
    modified: tuple[str, ...],
    missing: tuple[str, ...],
    unexpected: tuple[str, ...],
) -> None:
    """Re-zipped with one extra, one changed or one renamed file: invalid, naming the file."""
    path = _tampered(tmp_path, bundle, change)
    before = _listing(tmp_path)
    report = verify_bundle(path, verification_key)
    assert _listing(tmp_path) == before
    assert (report.status, report.modified, report.missing, report.unexpected) == (
        status,
        modified,
        missing,
        unexpected,
    )


def test_same_size_change_is_caught_by_the_hash(
    tmp_path: Path, bundle: Path, verification_key: VerificationKey
) -> None:
    """A change that keeps the size (one digit) is caught by the streamed sha256."""
    entries = [
        (n, d.replace(b"14.4", b"16.4") if n == "prometheus/stage5_rules.yml" else d)
        for n, d in _entries(bundle)
    ]
    report = verify_bundle(_rezip(tmp_path / "same.zip", entries), verification_key)
    assert report.modified == ("prometheus/stage5_rules.yml",)


@given(name=st.text(alphabet=st.sampled_from("ab./\\:C\x00 é"), min_size=1, max_size=12))
def test_a_name_passing_the_checks_stays_inside_any_folder(name: str) -> None:
    """Whatever the name, if it is accepted it is relative and resolves below the extract root."""
    if _name_problem(name) is not None:
        return
    root = PurePosixPath("/extract/root")
    resolved = PurePosixPath(posixpath.normpath(root / name))
    assert not name.startswith("/")
    assert "\\" not in name
    assert "\x00" not in name
    assert resolved.is_relative_to(root)
    assert resolved != root
