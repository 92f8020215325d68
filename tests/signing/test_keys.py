"""Key specs, key ids, key files and key generation behave as documented and never leak keys."""

from __future__ import annotations

import base64
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.errors import KeyMaterialError
from stage5kit.signing import (
    SigningKey,
    _primitives,
    generate_keypair,
    load_signing_key,
    load_verification_key,
)

SECRET = bytes(range(100, 140))  # 40 bytes
SECRET_HEX = SECRET.hex()
SECRET_B64 = base64.b64encode(SECRET).decode()


def _leaks(text: str, secret: bytes = SECRET) -> bool:
    forms = [secret.hex(), secret.hex().upper(), base64.b64encode(secret).decode()]
    forms.append(base64.urlsafe_b64encode(secret).decode().rstrip("="))
    return any(form in text for form in forms)


def _key_error(spec: str | None, secret: bytes = SECRET) -> str:
    with pytest.raises(KeyMaterialError) as caught:
        load_signing_key(spec)
    message = str(caught.value)
    assert not _leaks(message, secret)
    assert caught.value.exit_code == 2
    return message


def _write(path: Path, data: bytes) -> Path:
    """Write a key file as keys are kept: mode 0600."""
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_hex_spec_loads_an_hmac_key() -> None:
    """hex:<hex> gives an HMAC key whose id is derived from a hash, not the key."""
    key = load_signing_key(f"hex:{SECRET_HEX}")
    assert key.algorithm == "hmac"
    assert key.key_id.startswith("hmac-")
    assert key.key_id.removeprefix("hmac-") not in SECRET_HEX


def test_uppercase_hex_spec_is_the_same_key() -> None:
    """Upper- and lowercase hex give the same key (same derived id)."""
    upper = load_signing_key(f"hex:{SECRET_HEX.upper()}")
    assert upper.key_id == load_signing_key(f"hex:{SECRET_HEX}").key_id


def test_base64_spec_is_the_same_key_as_hex() -> None:
    """base64:<b64> of the same bytes gives the same key as hex:."""
    assert (
        load_signing_key(f"base64:{SECRET_B64}").key_id
        == load_signing_key(f"hex:{SECRET_HEX}").key_id
    )


def test_explicit_key_id_wins() -> None:
    """An explicit key id is used as given."""
    assert load_signing_key(f"hex:{SECRET_HEX}", key_id="audit-2026").key_id == "audit-2026"


def test_malformed_key_id_is_refused() -> None:
    """A key id with a slash or space is refused with a KeyMaterialError."""
    with pytest.raises(KeyMaterialError, match="key id"):
        load_signing_key(f"hex:{SECRET_HEX}", key_id="../etc passwd")


def test_hex_key_file_with_trailing_newline_loads(tmp_path: Path) -> None:
    """A key file of one hex line ending in a newline loads; its key id is the file stem."""
    path = _write(tmp_path / "ops-1.key", SECRET_HEX.encode() + b"\n")
    key = load_signing_key(f"file:{path}")
    assert (key.algorithm, key.key_id) == ("hmac", "ops-1")
    assert key.sign_bytes(b"m") == load_signing_key(f"hex:{SECRET_HEX}").sign_bytes(b"m")


def test_key_file_with_crlf_line_end_loads(tmp_path: Path) -> None:
    """A Windows line end after the hex line is tolerated too."""
    path = _write(tmp_path / "w.key", SECRET_HEX.encode() + b"\r\n")
    assert load_signing_key(str(path)).key_id == "w"


def test_prefixed_key_file_loads(tmp_path: Path) -> None:
    """A key file holding base64:<b64> loads the same secret."""
    path = _write(tmp_path / "b.key", f"base64:{SECRET_B64}\n".encode())
    assert load_signing_key(str(path)).sign_bytes(b"m") == _primitives.hmac_sha256(SECRET, b"m")


def test_bare_path_is_a_key_file(tmp_path: Path) -> None:
    """A bare path works like file:<path>."""
    path = _write(tmp_path / "bare.key", SECRET_HEX.encode())
    assert load_signing_key(str(path)).key_id == "bare"


def test_env_spec_reads_the_variable_and_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """env:VAR reads a spec from VAR and the key id from VAR_ID."""
    monkeypatch.setenv("MY_KEY", f"hex:{SECRET_HEX}")
    monkeypatch.setenv("MY_KEY_ID", "from-env")
    assert load_signing_key("env:MY_KEY").key_id == "from-env"


def test_default_variable_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no spec, STAGE5KIT_SIGNING_KEY and STAGE5KIT_SIGNING_KEY_ID are used."""
    monkeypatch.setenv("STAGE5KIT_SIGNING_KEY", f"hex:{SECRET_HEX}")
    monkeypatch.setenv("STAGE5KIT_SIGNING_KEY_ID", "kit")
    monkeypatch.setenv("BOT_CORE_SECURITY_AUDIT_KEY", f"hex:{'ab' * 32}")
    assert load_signing_key().key_id == "kit"


def test_handbook_variable_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """With only BOT_CORE_SECURITY_AUDIT_KEY(_ID) set, the handbook's variables are used."""
    monkeypatch.setenv("BOT_CORE_SECURITY_AUDIT_KEY", f"hex:{SECRET_HEX}")
    monkeypatch.setenv("BOT_CORE_SECURITY_AUDIT_KEY_ID", "bot-core")
    assert load_signing_key().key_id == "bot-core"


def test_no_key_anywhere_says_how_to_give_one() -> None:
    """No spec and no variable: the error names the spec forms and the variables."""
    message = _key_error(None)
    assert "STAGE5KIT_SIGNING_KEY" in message
    assert "BOT_CORE_SECURITY_AUDIT_KEY" in message
    assert "hex:" in message


def test_malformed_hex_is_refused() -> None:
    """A non-hex character in hex: is an error that does not echo the key."""
    assert "hex:…" in _key_error(f"hex:{SECRET_HEX}zz")


def test_odd_length_hex_is_refused() -> None:
    """An odd number of hex digits is an error."""
    assert "not valid hex" in _key_error(f"hex:{SECRET_HEX}a")


def test_hex_with_spaces_is_refused() -> None:
    """Whitespace inside hex is not silently dropped."""
    _key_error(f"hex:{SECRET_HEX[:20]} {SECRET_HEX[20:]}")


def test_base64_with_junk_characters_is_refused() -> None:
    """Base64 is decoded strictly: a junk character is an error, not dropped."""
    assert "not valid base64" in _key_error(f"base64:{SECRET_B64[:8]}!{SECRET_B64[8:]}")


def test_base64_without_padding_is_refused() -> None:
    """Base64 missing its padding is an error."""
    unpadded = base64.b64encode(SECRET + b"x").decode().rstrip("=")
    _key_error(f"base64:{unpadded}", SECRET + b"x")


def test_urlsafe_base64_is_refused() -> None:
    """The URL-safe alphabet is not accepted where standard base64 is documented."""
    secret = b"\xfb\xff" * 20
    _key_error(f"base64:{base64.urlsafe_b64encode(secret).decode()}", secret)


def test_short_hmac_key_is_refused() -> None:
    """An HMAC key under 32 bytes is refused and the error says how long it must be."""
    short = SECRET[:31]
    assert "at least 32" in _key_error(f"hex:{short.hex()}", short)


def test_missing_key_file_is_refused(tmp_path: Path) -> None:
    """A missing key file is an error naming the path."""
    missing = tmp_path / "nope.key"
    assert str(missing) in _key_error(f"file:{missing}")


def test_unreadable_key_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key file that cannot be read is an error naming the path (not a traceback)."""
    path = _write(tmp_path / "locked.key", SECRET_HEX.encode())

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    message = _key_error(f"file:{path}")
    assert str(path) in message
    assert "Permission denied" in message


def test_directory_as_key_file_is_refused(tmp_path: Path) -> None:
    """A folder given as key file is an error."""
    assert "not a regular file" in _key_error(f"file:{tmp_path}")


def test_unset_variable_is_refused() -> None:
    """env:VAR with VAR unset is an error naming the variable."""
    assert "STAGE5KIT_TEST_UNSET" in _key_error("env:STAGE5KIT_TEST_UNSET")


def test_empty_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """env:VAR with VAR empty is an error."""
    monkeypatch.setenv("EMPTY_KEY", "")
    assert "empty" in _key_error("env:EMPTY_KEY")


def test_variable_with_bad_key_does_not_echo_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A variable holding a malformed literal is reported by variable name only."""
    monkeypatch.setenv("BAD_KEY", f"hex:{SECRET_HEX}q")
    assert "env:BAD_KEY" in _key_error("env:BAD_KEY")


def test_bare_key_without_prefix_is_not_echoed() -> None:
    """A key pasted without hex:/base64: is neither read as a path nor shown."""
    assert "not shown" in _key_error(SECRET_HEX)


def test_key_file_with_leading_space_is_refused(tmp_path: Path) -> None:
    """Anything but one trailing newline around the key is refused."""
    _key_error(str(_write(tmp_path / "s.key", b" " + SECRET_HEX.encode())))


def test_key_file_with_two_lines_is_refused(tmp_path: Path) -> None:
    """A second line in a key file is refused."""
    _key_error(str(_write(tmp_path / "two.key", SECRET_HEX.encode() + b"\n\n")))


def test_binary_key_file_is_refused(tmp_path: Path) -> None:
    """Raw binary bytes are not a key file format."""
    _key_error(str(_write(tmp_path / "bin.key", b"\x00\xff" * 20)))


def test_pem_with_trailing_junk_is_refused(tmp_path: Path) -> None:
    """Text after the PEM block is refused."""
    pem = _primitives.ed25519_private_pem(bytes(32)) + b"junk\n"
    assert "malformed PEM" in _key_error(str(_write(tmp_path / "j.key", pem)))


def test_pem_of_another_key_type_is_refused(tmp_path: Path) -> None:
    """An EC private key is refused: only Ed25519 is supported."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert "Ed25519" in _key_error(str(_write(tmp_path / "ec.key", pem)))


def test_public_key_cannot_sign(tmp_path: Path) -> None:
    """A public key file is refused for signing with a clear reason."""
    generated = generate_keypair(algorithm="ed25519", key_id="p", out_dir=tmp_path)
    assert "public key" in _key_error(str(generated.public_key_path))


def test_private_key_gives_its_public_half_for_verifying(tmp_path: Path) -> None:
    """load_verification_key on a private key file yields the public half (same key id)."""
    generated = generate_keypair(algorithm="ed25519", key_id="half", out_dir=tmp_path)
    signer = load_signing_key(str(generated.private_key_path))
    verifier = load_verification_key(str(generated.private_key_path))
    assert (verifier.algorithm, verifier.key_id) == ("ed25519", "half")
    assert verifier.signature_matches(b"m", signer.sign_bytes(b"m"))


def test_public_key_option_refuses_a_secret(tmp_path: Path) -> None:
    """public_key= must name a public key file, not an HMAC secret."""
    path = _write(tmp_path / "h.key", SECRET_HEX.encode())
    with pytest.raises(KeyMaterialError, match="not an Ed25519 public key"):
        load_verification_key(public_key=path)


def test_spec_and_public_key_together_are_refused(tmp_path: Path) -> None:
    """Giving both a key spec and a public key file is an error."""
    with pytest.raises(KeyMaterialError, match="not both"):
        load_verification_key(f"hex:{SECRET_HEX}", public_key=tmp_path / "x.pub")


def test_generated_private_keys_are_mode_0600(tmp_path: Path) -> None:
    """Both kinds of generated private key file are readable by the owner only."""
    for algorithm in ("hmac", "ed25519"):
        generated = generate_keypair(algorithm=algorithm, key_id=algorithm, out_dir=tmp_path)
        assert stat.S_IMODE(generated.private_key_path.stat().st_mode) == 0o600


def test_generated_ed25519_key_writes_pem_pair(tmp_path: Path) -> None:
    """An Ed25519 key is a PKCS#8 PEM private key plus ID.pub as SubjectPublicKeyInfo PEM."""
    generated = generate_keypair(algorithm="ed25519", key_id="pair", out_dir=tmp_path)
    assert generated.private_key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert generated.public_key_path == tmp_path / "pair.pub"
    assert generated.public_key_path.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----\n")


def test_generated_hmac_key_is_32_random_bytes_in_hex(tmp_path: Path) -> None:
    """An HMAC key file is 64 hex digits and a newline; two keys differ."""
    first = generate_keypair(algorithm="hmac", key_id="one", out_dir=tmp_path)
    second = generate_keypair(algorithm="hmac", key_id="two", out_dir=tmp_path)
    text = first.private_key_path.read_text()
    assert len(text) == 65
    assert text.endswith("\n")
    assert text != second.private_key_path.read_text()


def test_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    """Generating a key whose file exists is refused and the old key stays."""
    generated = generate_keypair(algorithm="hmac", key_id="keep", out_dir=tmp_path)
    before = generated.private_key_path.read_bytes()
    with pytest.raises(KeyMaterialError, match="already exists"):
        generate_keypair(algorithm="hmac", key_id="keep", out_dir=tmp_path)
    assert generated.private_key_path.read_bytes() == before


def test_generate_refuses_a_key_id_that_is_a_path(tmp_path: Path) -> None:
    """A key id cannot escape the output folder."""
    with pytest.raises(KeyMaterialError, match="key id"):
        generate_keypair(algorithm="hmac", key_id="../evil", out_dir=tmp_path)
    assert not (tmp_path.parent / "evil.key").exists()


@pytest.mark.parametrize("algorithm", ["hmac", "ed25519"])
def test_repr_and_str_never_show_key_bytes(algorithm: str, tmp_path: Path) -> None:
    """repr() and str() of signing and verification keys show algorithm and id only."""
    generated = generate_keypair(algorithm=algorithm, key_id="r", out_dir=tmp_path)  # type: ignore[arg-type]
    key = load_signing_key(str(generated.private_key_path))
    texts = [repr(key), str(key), repr(key.verification_key()), str(key.verification_key())]
    for text in texts:
        assert "key_id='r'" in text
        for form in key.secret_forms():
            assert form.decode("latin-1") not in text


def test_secret_forms_cover_every_encoding() -> None:
    """secret_forms lists raw, lower/upper hex, standard/urlsafe base64 with/without padding."""
    key = load_signing_key(f"hex:{SECRET_HEX}")
    forms = set(key.secret_forms())
    assert {
        SECRET,
        SECRET_HEX.encode(),
        SECRET_HEX.upper().encode(),
        base64.b64encode(SECRET),
        base64.b64encode(SECRET).rstrip(b"="),
        base64.urlsafe_b64encode(SECRET),
        base64.urlsafe_b64encode(SECRET).rstrip(b"="),
    } <= forms


def test_ed25519_secret_forms_include_the_pem_body(tmp_path: Path) -> None:
    """For Ed25519 the base64 body of the PEM file is among the forms to scan for."""
    generated = generate_keypair(algorithm="ed25519", key_id="e", out_dir=tmp_path)
    key: SigningKey = load_signing_key(str(generated.private_key_path))
    body = b"".join(generated.private_key_path.read_bytes().splitlines()[1:-1])
    assert body in key.secret_forms()


B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ !"


def _outcome(spec: str) -> SigningKey | KeyMaterialError:
    try:
        return load_signing_key(spec)
    except KeyMaterialError as error:
        return error


@given(scheme=st.sampled_from(["hex", "base64"]), text=st.text(alphabet=B64_ALPHABET, min_size=16))
def test_literal_specs_load_or_fail_cleanly_without_echo(scheme: str, text: str) -> None:
    """Any hex:/base64: text either loads or raises KeyMaterialError that does not repeat it."""
    outcome = _outcome(f"{scheme}:{text}")
    if isinstance(outcome, KeyMaterialError):
        assert text not in str(outcome)
    else:
        assert outcome.algorithm == "hmac"


@given(content=st.binary(max_size=200))
def test_any_key_file_content_loads_or_fails_cleanly(content: bytes) -> None:
    """Any key file content either loads or raises KeyMaterialError, never another exception."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.key"
        _write(path, content)
        outcome = _outcome(f"file:{path}")
    assert isinstance(outcome, KeyMaterialError) or outcome.key_id == "fuzz"


@given(text=st.text(min_size=1, max_size=80))
def test_any_spec_loads_or_fails_cleanly(text: str) -> None:
    """Any spec string at all gives a key or a KeyMaterialError, never another exception."""
    # The real check is that nothing else escapes: _outcome catches only KeyMaterialError,
    # so any other exception fails this test. Its result is a SigningKey or a
    # KeyMaterialError by construction; what is left to check is that a key is usable.
    outcome = _outcome(text)
    if isinstance(outcome, SigningKey):
        assert outcome.algorithm in ("hmac", "ed25519")
        assert outcome.key_id


@pytest.mark.parametrize(
    "spec",
    ["file:a\x00b.key", "keys/\x00.key", "file:~no-such-user-stage5kit/x.key", "~no-such-user/k"],
    ids=["nul in file spec", "nul in bare path", "unknown user in file spec", "unknown user"],
)
def test_unusable_paths_are_key_errors(spec: str) -> None:
    """A path with a NUL or an unknown ~user is a KeyMaterialError, not another exception."""
    _key_error(spec)


def test_malformed_key_id_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key id variable that is not a valid key id is an error, not silently replaced."""
    monkeypatch.setenv("STAGE5KIT_SIGNING_KEY", f"hex:{SECRET_HEX}")
    monkeypatch.setenv("STAGE5KIT_SIGNING_KEY_ID", "has space")
    assert "key id 'has space'" in _key_error(None)


def test_key_id_variable_beats_the_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """For env:VAR holding file:PATH, VAR_ID wins over the key file's name."""
    path = _write(tmp_path / "stem.key", SECRET_HEX.encode())
    monkeypatch.setenv("K", f"file:{path}")
    assert load_signing_key("env:K").key_id == "stem"
    monkeypatch.setenv("K_ID", "chosen")
    assert load_signing_key("env:K").key_id == "chosen"


def test_invalid_file_name_falls_back_to_a_derived_id(tmp_path: Path) -> None:
    """A key file whose name is no valid key id gets a derived id."""
    path = _write(tmp_path / "my key.key", SECRET_HEX.encode())
    assert load_signing_key(str(path)).key_id == load_signing_key(f"hex:{SECRET_HEX}").key_id
