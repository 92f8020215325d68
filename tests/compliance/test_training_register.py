"""The training register: Polish names byte for byte, verification, tamper cases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stage5kit.compliance.training import (
    REGISTER_NAME,
    TrainingSession,
    append_session_to_doc,
    read_register,
    record_session,
    verify_register,
)
from stage5kit.errors import InputError
from stage5kit.signing import load_signing_key

KEY = load_signing_key("hex:" + "11" * 32, key_id="stage5_training")
OTHER = load_signing_key("hex:" + "22" * 32, key_id="stage5_training")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NAMES = ("Ewa Wiśniewska", "Zofia Łęcka", "Jan Żółć")


def _session(**changes) -> TrainingSession:
    fields = {
        "facilitator": "Anna Kowalska",
        "location": "Sala 3A",
        "training_date": date(2024, 5, 18),
        "participants": NAMES,
        "materials": ("Prezentacja PDF",),
    }
    return TrainingSession(**{**fields, **changes})


def test_polish_names_round_trip_byte_for_byte_and_verify(tmp_path):
    """Names are stored as their UTF-8 bytes (no escapes) and read back equal; MACs verify."""
    record_session(_session(), training_dir=tmp_path, key=KEY, now=NOW)
    data = (tmp_path / REGISTER_NAME).read_bytes()
    for name in NAMES:
        assert name.encode("utf-8") in data
    assert b"\\u" not in data
    (entry,) = read_register(tmp_path / REGISTER_NAME)
    assert tuple(entry.entry["participants"]) == NAMES
    report = verify_register(tmp_path / REGISTER_NAME, KEY.verification_key())
    assert report.ok, report.message


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
            str.strip
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_printable_names_round_trip(tmp_path_factory, names):
    """Property: any printable participant names come back unchanged and verify."""
    folder = tmp_path_factory.mktemp("reg")
    record_session(_session(participants=tuple(names)), training_dir=folder, key=KEY, now=NOW)
    (entry,) = read_register(folder / REGISTER_NAME)
    assert entry.entry["participants"] == names
    assert verify_register(folder / REGISTER_NAME, KEY.verification_key()).ok


def _two_entries(tmp_path):
    record_session(_session(), training_dir=tmp_path, key=KEY, now=NOW)
    record_session(_session(location="Sala 4B"), training_dir=tmp_path, key=KEY, now=NOW)
    return tmp_path / REGISTER_NAME


def test_an_edited_entry_is_caught_at_its_line(tmp_path):
    """Changing one letter of a name in line 2 fails the MAC on line 2."""
    register = _two_entries(tmp_path)
    register.write_bytes(register.read_bytes().replace(b"Sala 4B", b"Sala 4C"))
    report = verify_register(register, KEY.verification_key())
    assert (report.ok, report.line) == (False, 2)
    assert "MAC does not verify" in report.message


def test_a_deleted_line_breaks_the_sequence(tmp_path):
    """Removing line 1 makes line 1 hold seq 2."""
    register = _two_entries(tmp_path)
    register.write_bytes(register.read_bytes().split(b"\n", 1)[1])
    report = verify_register(register, KEY.verification_key())
    assert (report.ok, report.line) == (False, 1)
    assert "seq 2, expected 1" in report.message


def test_swapped_lines_are_caught(tmp_path):
    """Two lines swapped: the first one's seq is wrong."""
    register = _two_entries(tmp_path)
    first, second, _ = register.read_bytes().split(b"\n")
    register.write_bytes(second + b"\n" + first + b"\n")
    assert verify_register(register, KEY.verification_key()).line == 1


def test_a_wrong_key_and_a_torn_line_are_reported(tmp_path):
    """Another key with the same id fails the MAC; an incomplete last line is named."""
    register = _two_entries(tmp_path)
    assert "MAC does not verify" in verify_register(register, OTHER.verification_key()).message
    register.write_bytes(register.read_bytes()[:-5])
    report = verify_register(register, KEY.verification_key())
    assert (report.line, report.message) == (2, "line 2: incomplete last line (no newline)")


def test_artifacts_are_copied_by_date_with_their_sha256(tmp_path):
    """An artifact lands in <date>/ and the entry records its sha256."""
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.4 slides")
    folder = tmp_path / "training"
    written = record_session(_session(artifacts=(slides,)), training_dir=folder, key=KEY, now=NOW)
    (artifact,) = written.entry["artifacts"]
    assert (folder / "2024-05-18" / "slides.pdf").read_bytes() == b"%PDF-1.4 slides"
    assert artifact["path"] == "2024-05-18/slides.pdf"
    assert len(artifact["sha256"]) == 64


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participants": ()}, "no participant given"),
        ({"facilitator": " "}, "--facilitator: empty"),
        ({"location": "Sala\n3A"}, "--location: 'Sala\\\\n3A' has control characters"),
    ],
)
def test_bad_session_fields_are_refused_and_nothing_is_written(tmp_path, changes, message):
    """Each bad field names the option; the register is not created."""
    with pytest.raises(InputError, match=message):
        record_session(_session(**changes), training_dir=tmp_path, key=KEY, now=NOW)
    assert not (tmp_path / REGISTER_NAME).exists()


def test_missing_artifact_is_refused_before_anything_is_written(tmp_path):
    """An artifact path that does not exist stops the run with nothing written."""
    with pytest.raises(InputError, match="is not a readable file"):
        record_session(
            _session(artifacts=(tmp_path / "none.pdf",)), training_dir=tmp_path, key=KEY, now=NOW
        )
    assert list(tmp_path.iterdir()) == []


def test_update_doc_appends_the_session_in_polish(tmp_path):
    """--update-doc appends a section with participants and a place for conclusions."""
    doc = tmp_path / "docs" / "training" / "stage5_workshop.md"
    entry = record_session(_session(), training_dir=tmp_path, key=KEY, now=NOW)
    append_session_to_doc(doc, entry)
    append_session_to_doc(doc, entry)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Warsztat Stage5")
    assert text.count("## Sesja 18.05.2024 \N{EN DASH} Sala 3A") == 2
    assert "Uczestnicy (3): Ewa Wiśniewska, Zofia Łęcka, Jan Żółć" in text
    assert "Wnioski:" in text
