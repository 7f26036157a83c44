"""Patterns on a small fictional project whose right answers are known by construction.

Layout of every interview (segment positions; I = interviewer, R = respondent):
turn 0 I: s0 | turn 1 R: s1 s2 | turn 2 I: s3 | turn 3 R: s4 s5 | turn 4 I: s6 | turn 5 R: s7 s8

R01 (vrouw, Noord): s1 verlies-dierbare (anna and bram), s2 schaamte, s4 verlies-woning,
    s5 isolement (anna and bram), s7 zingeving-hoop, s8 herstel (bram)
R02 (vrouw, Zuid): s1 verlies-werk (1990) + verliescascade, s2 verlies-dierbare (1985),
    s4 verlies-woning, s5 isolement, s7 schaamte
R03 (man, Noord), all by bram: s1 verlies-dierbare, s2 verlies-woning, s3 schaamte (in an
    interviewer turn), s4 isolement, s5 verlies-woning, s7 verlies-werk (machine suggestion)
R04 (man, Zuid): no codings.
"""

from __future__ import annotations

import hashlib

import pytest

from workbench import life_events
from workbench.codings import add_coding
from workbench.errors import InputError, NotFound
from workbench.handle import Project
from workbench.patterns import (
    Selection,
    cascade_overview,
    charts,
    code_frequencies,
    cooccurrence,
    cooccurrence_dot,
    cooccurrence_fragments,
    cooccurrence_pairs,
    framework_cells,
    framework_matrix,
    fragments,
    heatmap_data,
    matrix_quotes,
    quotes,
    respondent_profile,
)
from workbench.respondents import define_attribute, set_value
from workbench.store import DEFAULT_USER, now

ME = DEFAULT_USER  # the project's researcher: overviews check who reads them

CODES = [  # slug, parent
    ("verlies", None),
    ("verlies-dierbare", "verlies"),
    ("verlies-woning", "verlies"),
    ("verlies-werk", "verlies"),
    ("verliescascade", "verlies"),
    ("schaamte", None),
    ("energiebalans", None),
    ("zingeving", None),
    ("zingeving-hoop", "zingeving"),
    ("isolement", None),
    ("herstel", None),
]
LAYOUT = [("I", 1), ("R", 2), ("I", 1), ("R", 2), ("I", 1), ("R", 2)]
RESPONDENTS = {
    "R01": {"geslacht": "vrouw", "wijk": "Noord"},
    "R02": {"geslacht": "vrouw", "wijk": "Zuid"},
    "R03": {"geslacht": "man", "wijk": "Noord"},
    "R04": {"geslacht": "man", "wijk": "Zuid"},
}
CODINGS = [  # respondent, segment, code, coder, extra
    ("R01", 1, "verlies-dierbare", "anna", {}),
    ("R01", 1, "verlies-dierbare", "bram", {}),
    ("R01", 2, "schaamte", "anna", {}),
    ("R01", 4, "verlies-woning", "anna", {}),
    ("R01", 5, "isolement", "anna", {}),
    ("R01", 5, "isolement", "bram", {}),
    ("R01", 7, "zingeving-hoop", "anna", {}),
    ("R01", 8, "herstel", "bram", {}),
    ("R02", 1, "verlies-werk", "anna", {"life_year": 1990}),
    ("R02", 1, "verliescascade", "anna", {}),
    ("R02", 2, "verlies-dierbare", "anna", {"life_year": 1985}),
    ("R02", 4, "verlies-woning", "anna", {}),
    ("R02", 5, "isolement", "anna", {}),
    ("R02", 7, "schaamte", "anna", {}),
    ("R03", 1, "verlies-dierbare", "bram", {}),
    ("R03", 2, "verlies-woning", "bram", {}),
    ("R03", 3, "schaamte", "bram", {}),
    ("R03", 4, "isolement", "bram", {}),
    ("R03", 5, "verlies-woning", "bram", {}),
    ("R03", 7, "verlies-werk", "bram", {"origin": "machine"}),
]


def add_interview(db, respondent_id: int, name: str) -> list[int]:
    """An interview with LAYOUT's turns; returns segment ids by position."""
    lines, turns, position = [], [], 0
    offset = 0
    for turn, (label, n) in enumerate(LAYOUT):
        parts = [f"Zin {position + i} van {name}, verzonnen." for i in range(n)]
        spoken = " ".join(parts)
        start = offset + len(label) + 2
        turns.append((label, start, parts))
        lines.append(f"{label}: {spoken}")
        offset += len(lines[-1]) + 1
        position += n
    text = "\n".join(lines)
    doc = (
        db["documents"]
        .insert(
            {
                "name": name,
                "respondent_id": respondent_id,
                "source_name": f"{name}.txt",
                "source_format": "txt",
                "source_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "text": text,
                "n_words": 0,
                "imported_at": now(),
                "imported_by": "onderzoeker",
            }
        )
        .last_pk
    )
    speakers = {
        label: db["speakers"].insert({"document_id": doc, "label": label, "role": role}).last_pk
        for label, role in (("I", "interviewer"), ("R", "respondent"))
    }
    segment_ids, position = [], 0
    for turn, (label, start, parts) in enumerate(turns):
        spoken_end = start + len(" ".join(parts))
        turn_id = (
            db["turns"]
            .insert(
                {
                    "document_id": doc,
                    "speaker_id": speakers[label],
                    "position": turn,
                    "start_char": start,
                    "end_char": spoken_end,
                }
            )
            .last_pk
        )
        cursor = start
        for part in parts:
            assert text[cursor : cursor + len(part)] == part
            segment_ids.append(
                db["segments"]
                .insert(
                    {
                        "document_id": doc,
                        "turn_id": turn_id,
                        "position": position,
                        "start_char": cursor,
                        "end_char": cursor + len(part),
                        "text": part,
                    }
                )
                .last_pk
            )
            cursor += len(part) + 1
            position += 1
    return segment_ids


def build_project(db) -> dict[str, list[int]]:
    """Fill ``db`` with the project in the module docstring; returns segment ids per respondent."""
    for name in ("anna", "bram"):
        db["users"].insert({"name": name, "role": "onderzoeker", "created_at": now()})
    book = db["codebooks"].insert({"name": "test", "created_at": now()}).last_pk
    ids: dict[str, int] = {}
    for position, (slug, parent) in enumerate(CODES):
        ids[slug] = (
            db["codes"]
            .insert(
                {
                    "codebook_id": book,
                    "slug": slug,
                    "name": slug.replace("-", " ").capitalize(),
                    "parent_id": ids.get(parent),
                    "position": position,
                }
            )
            .last_pk
        )
    for position, name in enumerate(("geslacht", "wijk")):
        db["attributes"].insert({"name": name, "type": "text", "position": position})
    segments = {}
    for code, values in RESPONDENTS.items():
        rid = db["respondents"].insert({"code": code, "created_at": now()}).last_pk
        for name, value in values.items():
            db["attribute_values"].insert({"respondent_id": rid, "attribute": name, "value": value})
        segments[code] = add_interview(db, rid, f"interview-{code}")
    for respondent, position, code, coder, extra in CODINGS:
        extra = dict(extra)
        year = extra.pop("life_year", None)
        cid = add_coding(
            Project.for_user(db, coder),
            code=code,
            segment_id=segments[respondent][position],
            **extra,
        )
        if year is not None:
            db.execute("UPDATE codings SET life_year = ? WHERE id = ?", [year, cid])
    return segments


@pytest.fixture
def project(db):
    build_project(db)
    return db


@pytest.fixture
def researcher(project):
    """The project as seen by a researcher (every overview checks who reads)."""
    return Project.for_user(project, ME)


def test_fragments_merge_the_same_span_coded_by_two_coders(researcher):
    frame = fragments(researcher)
    row = frame[(frame["respondent"] == "R01") & (frame["code"] == "verlies-dierbare")]
    assert len(row) == 1
    assert row["coders"].iloc[0].split(",") == ["anna", "bram"]
    assert (row["seg_first"].iloc[0], row["turn_first"].iloc[0]) == (1, 1)


def test_two_coders_selecting_one_sentence_a_little_differently_count_once(project, researcher):
    """Anna coded R01's s4 as a sentence, Bram selected it by hand without the full stop:
    one place in the interview, counted once everywhere (before: twice). A span that only
    touches it (starting where Anna's ends) is a place of its own."""
    doc, start, end, s5_end = project.execute(
        "SELECT s.document_id, s.start_char, s.end_char, n.end_char FROM segments s "
        "JOIN segments n ON n.document_id = s.document_id AND n.position = s.position + 1 "
        "JOIN documents d ON d.id = s.document_id "
        "WHERE d.name = 'interview-R01' AND s.position = 4"
    ).fetchone()
    bram, anna = Project.for_user(project, "bram"), Project.for_user(project, "anna")
    add_coding(bram, code="verlies-woning", document_id=doc, start_char=start, end_char=end - 1)
    add_coding(bram, code="verlies-woning", document_id=doc, start_char=end, end_char=s5_end)
    add_coding(anna, code="schaamte", document_id=doc, start_char=start, end_char=end)
    assert framework_matrix(researcher).loc["R01", "verlies-woning"] == 2
    frame = fragments(researcher)
    s4 = frame[(frame["respondent"] == "R01") & (frame["code"] == "verlies-woning")].iloc[0]
    assert (s4["coders"], s4["n_codings"], s4["end_char"]) == ("anna,bram", 2, end)
    pairs = cooccurrence_pairs(researcher).set_index(["code_a", "code_b"])
    assert pairs.loc[("verlies-woning", "schaamte"), "meetings"] == 1
    met = quotes(researcher, ["verlies-woning"], all_of=["schaamte"])
    assert met["coders"].tolist() == ["anna,bram"]
    # as a life event: Anna's coding is the mention; Bram's selection of the same sentence is
    # not a loss left out, the touching span is
    made = life_events.create_event(researcher, [int(s4["fragment_id"])])
    overview = cascade_overview(researcher, Selection(coders=("anna", "bram")))
    assert overview.events.set_index("event").loc[made, "mentions"] == 1
    assert overview.unplaced.set_index("respondent").loc["R01", "losses"] == 2  # s1, s5


def test_matrix_counts_fragments_per_respondent_and_code(researcher):
    matrix = framework_matrix(researcher)
    assert list(matrix.index) == ["R01", "R02", "R03", "R04"]
    assert matrix.loc["R03", "verlies-woning"] == 2
    assert matrix.loc["R01", "isolement"] == 1
    assert matrix.loc["R03", "schaamte"] == 0  # interviewer turn left out
    assert matrix.loc["R03", "verlies-werk"] == 0  # suggestion, not accepted
    assert matrix.loc["R04"].sum() == 0
    assert list(matrix.columns)[:3] == ["verlies-dierbare", "verlies-woning", "verlies-werk"]


def test_matrix_rollup_counts_one_fragment_for_two_subcodes_on_one_span(researcher):
    matrix = framework_matrix(researcher, Selection(rollup=True))
    assert matrix.loc["R02", "verlies"] == 3
    assert matrix.loc["R01", "zingeving"] == 1
    assert "verlies-woning" not in matrix.columns


def test_matrix_filters_by_attribute_coder_status_and_speakers(researcher):
    women = framework_matrix(researcher, Selection.build(filters=["geslacht=vrouw"]))
    assert list(women.index) == ["R01", "R02"]
    north_women = framework_matrix(
        researcher,
        Selection.build(filters={"geslacht": "Vrouw", "wijk": "noord"}),
    )
    assert list(north_women.index) == ["R01"]
    either = framework_matrix(researcher, Selection.build(filters=["wijk=Noord", "wijk=Zuid"]))
    assert len(either) == 4
    anna = framework_matrix(researcher, Selection(coders=("anna",)))
    assert anna.loc["R03"].sum() == 0 and "herstel" not in anna.columns
    everything = framework_matrix(researcher, Selection(statuses=None, speakers="all"))
    assert everything.loc["R03", "verlies-werk"] == 1 and everything.loc["R03", "schaamte"] == 1


def test_unknown_attribute_filter_names_the_known_ones(researcher):
    with pytest.raises(InputError) as err:
        framework_matrix(researcher, Selection.build(filters=["leeftijd=70"]))
    assert "geslacht" in err.value.message("nl")
    with pytest.raises(InputError):
        Selection.build(filters=["geslacht"])


def test_matrix_quotes_return_the_cell_fragments_with_attributes(researcher):
    cell = matrix_quotes(researcher, respondent="R03", code="verlies-woning")
    assert cell["text"].tolist() == [
        "Zin 2 van interview-R03, verzonnen.",
        "Zin 5 van interview-R03, verzonnen.",
    ]
    assert set(cell["geslacht"]) == {"man"}


def test_frequencies_count_respondents_and_share_per_group(researcher):
    table = code_frequencies(researcher, by="geslacht").set_index(["group", "code"])
    assert table.loc[("vrouw", "isolement"), ["respondents", "group_size", "share"]].tolist() == [
        2,
        2,
        1.0,
    ]
    assert table.loc[("man", "isolement"), "share"] == 0.5
    assert table.loc[("man", "verlies-woning"), "fragments"] == 2
    assert table.loc[("man", "verlies-werk"), "respondents"] == 0


def test_frequencies_take_values_that_differ_in_case_or_spaces_as_one_group(researcher):
    """The filters take "Noord" and "noord " as one value; the groups split them in two."""
    set_value(researcher, "R03", "wijk", "noord ")
    table = code_frequencies(researcher, by="wijk")
    assert sorted(set(table["group"])) == ["Noord", "Zuid"]
    sizes = table.drop_duplicates("group").set_index("group")["group_size"]
    assert sizes["Noord"] == 2 and sizes.sum() == 4


def test_filter_choices_list_a_value_once_in_its_most_common_spelling(researcher):
    """The pickers offered "Noord" and "noord" as two choices, though the filters take
    them as one value (both select the same respondents)."""
    from workbench.patterns import attribute_values

    for code, typed in (("R02", "noord"), ("R03", "NOORD"), ("R04", " noord ")):
        set_value(researcher, code, "wijk", typed)  # "noord" is the most common spelling
    choices = attribute_values(researcher)
    wijk = choices[choices["attribute"] == "wijk"]
    assert wijk[["value", "respondents"]].values.tolist() == [["noord", 4]]
    geslacht = choices[choices["attribute"] == "geslacht"]
    assert geslacht[["value", "respondents"]].values.tolist() == [["man", 2], ["vrouw", 2]]
    assert choices["attribute"].tolist()[:1] == ["geslacht"]  # display order kept


def test_cooccurrence_same_segment(researcher):
    table = cooccurrence(researcher, scope="segment")
    assert table.loc["verlies-werk", "verliescascade"] == 1
    assert table.loc["verlies-woning", "isolement"] == 0
    assert table.loc["verlies-woning", "verlies-woning"] == 4  # diagonal: fragments
    assert (table.to_numpy() == table.to_numpy().T).all()


def test_cooccurrence_same_turn(researcher):
    table = cooccurrence(researcher, scope="turn")
    assert table.loc["verlies-woning", "isolement"] == 3
    assert table.loc["verlies-dierbare", "schaamte"] == 1
    assert table.loc["verlies-dierbare", "verlies-woning"] == 1
    assert table.loc["zingeving-hoop", "herstel"] == 1


def test_cooccurrence_window_counts_pairs_within_n_segments(researcher):
    one = cooccurrence(researcher, scope="window", window=1)
    two = cooccurrence(researcher, scope="window", window=2)
    assert one.loc["verlies-dierbare", "verlies-woning"] == 1
    assert two.loc["verlies-dierbare", "verlies-woning"] == 2
    assert two.loc["isolement", "zingeving-hoop"] == 1
    zero = cooccurrence(researcher, scope="window", window=0)
    assert zero.equals(cooccurrence(researcher, scope="segment"))


def test_cooccurrence_pairs_and_their_fragments(researcher):
    pairs = cooccurrence_pairs(researcher, scope="turn").set_index(["code_a", "code_b"])
    assert pairs.loc[("verlies-woning", "isolement"), ["meetings", "respondents"]].tolist() == [
        3,
        3,
    ]
    where = cooccurrence_fragments(researcher, "verlies-woning", "isolement", "turn")
    assert where["respondent"].tolist() == ["R01", "R02", "R03"]
    assert where["text_b"].iloc[0] == "Zin 5 van interview-R01, verzonnen."
    assert set(where.columns) >= {"text_a", "segment_a", "segment_b", "geslacht"}


def test_quotes_and_not(researcher):
    both = quotes(researcher, ["isolement"], all_of=["verlies-woning"], scope="turn")
    assert both["respondent"].tolist() == ["R01", "R02", "R03"]
    assert quotes(researcher, ["isolement"], all_of=["verlies-woning"]).empty
    alone = quotes(
        researcher,
        ["isolement"],
        none_of=["verlies-dierbare"],
        scope="window",
        window=3,
    )
    assert alone["respondent"].tolist() == ["R01"]
    assert alone["wijk"].tolist() == ["Noord"]
    with pytest.raises(NotFound):
        quotes(researcher, ["bestaat-niet"])


def test_profile_timeline_orders_fragments_by_age_marks_made_years(project, researcher):
    frame = fragments(researcher)
    r01 = frame["respondent"] == "R01"
    # woning at age 40 in 1980 -> born 1940; dierbare at age 45 -> 1985, after woning
    project.execute(
        "UPDATE codings SET life_age = 40, life_year = 1980 WHERE id = ?",
        [frame.loc[r01 & (frame["code"] == "verlies-woning"), "fragment_id"].item()],
    )
    project.execute(
        "UPDATE codings SET life_age = 45 WHERE document_id = ? AND start_char = ?",
        [
            int(frame.loc[r01, "document_id"].iloc[0]),
            int(frame.loc[r01 & (frame["code"] == "verlies-dierbare"), "start_char"].item()),
        ],
    )
    timeline = respondent_profile(researcher, "R01").timeline
    losses = timeline[timeline["kind"] == "loss"]
    assert losses["code"].tolist() == ["verlies-woning", "verlies-dierbare"]
    assert losses["life_key"].tolist() == [1980.0, 1985.0]


def test_respondent_profile(researcher):
    profile = respondent_profile(researcher, "R02")
    assert dict(profile.attributes.values.tolist()) == {"geslacht": "vrouw", "wijk": "Zuid"}
    assert profile.codes.set_index("code").loc["isolement", "fragments"] == 1
    timeline = profile.timeline
    assert timeline["code"].tolist()[:2] == ["verlies-dierbare", "verlies-woning"]
    assert timeline.loc[timeline["code"] == "verlies-werk", "kind"].item() == "loss"
    with pytest.raises(NotFound):
        respondent_profile(researcher, "R99")


def test_the_profile_says_yes_no_values_as_words_not_as_stored(researcher):
    """The filters say "ja"/"nee" for a yes/no attribute; the profile said "true"."""
    define_attribute(researcher, "uitkering", "boolean")
    set_value(researcher, "R02", "uitkering", "nee")
    for lang, word in (("nl", "nee"), ("en", "no")):
        attributes = respondent_profile(researcher, "R02", lang=lang).attributes
        assert dict(attributes.values.tolist()) == {
            "geslacht": "vrouw",
            "wijk": "Zuid",
            "uitkering": word,
        }


def test_network_keeps_pairs_from_the_minimum_and_heatmap_drops_the_diagonal(researcher):
    pairs = cooccurrence_pairs(researcher, scope="turn")
    dot = cooccurrence_dot(pairs, min_meetings=2)
    assert '"verlies-woning" -- "isolement"' in dot and "herstel" not in dot
    cells = heatmap_data(cooccurrence(researcher, scope="turn"))
    assert (cells["code_a"] != cells["code_b"]).all()
    both = cells.query("code_a == 'verlies-woning' and code_b == 'isolement'")
    assert both["meetings"].item() == 3


def test_charts_print_their_numbers(researcher):
    freq = code_frequencies(researcher, by="geslacht")
    spec = charts.frequency_chart(freq, measure="share", titles={}).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["spec"]["layer"]]
    assert marks == ["bar", "text"]


def test_overviews_of_uncoded_interviews_are_empty_but_list_the_people(db):
    rid = db["respondents"].insert({"code": "R01", "created_at": now()}).last_pk
    add_interview(db, rid, "leeg")
    assert framework_matrix(Project.for_user(db, ME)).index.tolist() == ["R01"]
    assert cooccurrence(Project.for_user(db, ME), scope="turn").empty
    with pytest.raises(InputError):
        quotes(Project.for_user(db, ME), [])
    overview = cascade_overview(Project.for_user(db, ME))
    assert overview.events.empty and overview.lengths["length"].tolist() == [0]
    assert code_frequencies(Project.for_user(db, ME)).empty


def test_framework_cells_join_the_quotes_of_each_cell(researcher):
    cells = framework_cells(researcher).set_index(["respondent", "code"])
    cell = cells.loc[("R03", "verlies-woning")]
    assert cell["fragments"] == 2
    assert cell["quotes"] == (
        "Zin 2 van interview-R03, verzonnen. | Zin 5 van interview-R03, verzonnen."
    )
    assert cell["documents"] == "interview-R03"
    assert ("R04", "herstel") not in cells.index


def test_with_rollup_a_subcode_asks_for_its_main_code(researcher):
    found = quotes(researcher, ["verlies-woning"], Selection(rollup=True))
    assert set(found["code"]) == {"verlies"}
    matrix = framework_matrix(researcher, Selection(rollup=True))
    assert len(found) == matrix["verlies"].sum() == 8


def test_quotes_can_carry_pseudonyms_instead_of_names(project, researcher):
    from workbench.privacy import candidates, decide

    decide(researcher, "interview-R01", accept=True, replacement="[Naam 1]")
    for cand in candidates(researcher):  # no other name: an export waits for every decision
        if cand["status"] == "new":
            decide(researcher, cand["original"], accept=False)
    masked = quotes(researcher, ["isolement"], pseudonymise=True).set_index("respondent")
    assert masked.loc["R01", "text"] == "Zin 5 van [Naam 1], verzonnen."
    assert masked.loc["R02", "text"] == "Zin 5 van interview-R02, verzonnen."
    plain = quotes(researcher, ["isolement"]).set_index("respondent")
    assert plain.loc["R01", "text"] == "Zin 5 van interview-R01, verzonnen."


def test_every_quote_table_names_a_coding_whose_place_is_the_quote(project, researcher):
    """Issue 17: the id behind each quote row leads to that place (patterns.place_of)."""
    from workbench.patterns import (
        cooccurrence_fragments,
        matrix_quotes,
        place_of,
        quotes,
        respondent_profile,
    )

    tables = [
        quotes(researcher, ["isolement"]),
        matrix_quotes(researcher),
        respondent_profile(researcher, "R02").timeline,
    ]
    meet = cooccurrence_fragments(researcher, "verlies-woning", "isolement", "turn")
    tables += [
        meet.rename(columns={f"{c}_a": c for c in ("coding", "text")}),
        meet.rename(columns={f"{c}_b": c for c in ("coding", "text")}),
    ]
    for table in tables:
        assert len(table)
        for coding, text in zip(table["coding"], table["text"]):
            place = place_of(researcher, coding)
            assert place["start_char"] is None  # segment codings: the segment is the place
            assert (
                project.execute(
                    "SELECT text FROM segments WHERE id = ?", [place["segment_id"]]
                ).fetchone()[0]
                == text
            )
    doc, start = project.execute(
        "SELECT document_id, start_char FROM segments "
        "WHERE text = 'Zin 7 van interview-R04, verzonnen.'"
    ).fetchone()
    span = add_coding(
        Project.for_user(project, "anna"),
        code="herstel",
        document_id=doc,
        start_char=start + 4,
        end_char=start + 9,
    )
    assert place_of(researcher, span) == {
        "document_id": doc,
        "segment_id": None,
        "start_char": start + 4,
        "end_char": start + 9,
    }
