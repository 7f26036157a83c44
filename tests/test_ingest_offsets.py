"""The offset invariant: text[start_char:end_char] == segment.text, for any transcript."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.handle import Project
from workbench.ingest import import_files, read_bytes, segment_turns

LABELS = ["I: ", "R: ", "Int. ", "Anna: ", "[00:01:02] R: ", "", "Let op: ", "\t"]
WORDS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
)
LINE = st.tuples(st.sampled_from(LABELS), WORDS).map("".join)
DOCUMENT = st.lists(LINE, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENT)
def test_segments_and_turns_point_at_their_own_text(nlp, raw):
    try:
        parsed = read_bytes(raw.encode("utf-8"), name="h.txt", fmt="txt")
    except Exception as exc:  # empty or binary-looking input is refused, never mangled
        assert getattr(exc, "key", "").startswith(("ingest.", "files.")), exc
        return
    text = parsed.text
    for turn in parsed.turns:
        assert 0 <= turn.start_char < turn.end_char <= len(text)
        assert text[turn.start_char : turn.end_char].strip()
    for segment in segment_turns(nlp, text, parsed.turns):
        assert text[segment.start_char : segment.end_char] == segment.text
        assert segment.text == segment.text.strip() and segment.text
        turn = parsed.turns[segment.turn_index]
        assert turn.start_char <= segment.start_char < segment.end_char <= turn.end_char


def test_stored_segments_match_the_stored_text(db, tmp_path, nlp):
    path = tmp_path / "a.txt"
    path.write_text(
        "I: Hoe gaat het? 😀 Goed?\nR: Eén café. Reünie… ja!\n\nNog iets.\n", encoding="utf-8"
    )
    import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp)
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    rows = db.execute(
        "SELECT start_char, end_char, text FROM segments ORDER BY position"
    ).fetchall()
    assert len(rows) == 5
    assert all(text[s:e] == t for s, e, t in rows)
    # SQLite's substr counts code points too, so the database agrees with Python.
    assert all(
        db.execute("SELECT substr(?, ?, ?)", [text, s + 1, e - s]).fetchone()[0] == t
        for s, e, t in rows
    )


CUE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: "-->" not in s and s.strip())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["Anna", "Bram", None]), CUE_TEXT), min_size=1, max_size=8)
)
def test_subtitle_turns_point_at_their_cue_text(cues):
    lines = ["WEBVTT", ""]
    for i, (voice, text) in enumerate(cues):
        lines += [
            f"00:00:{i:02d}.000 --> 00:00:{i:02d}.900",
            f"<v {voice}>{text}" if voice else text,
            "",
        ]
    try:
        parsed = read_bytes("\n".join(lines).encode("utf-8"), name="h.vtt", fmt="vtt")
    except Exception as exc:
        assert getattr(exc, "key", "").startswith(("ingest.", "files.")), exc
        return
    for turn in parsed.turns:
        spoken = parsed.text[turn.start_char : turn.end_char]
        assert spoken and spoken == spoken.strip()
        assert turn.time_start is not None and turn.time_end >= turn.time_start
