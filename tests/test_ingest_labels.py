"""Speaker labels at line start, timestamps, false positives, and role guessing."""

from __future__ import annotations

import pytest

from workbench.ingest.labels import parse_turns
from workbench.ingest.roles import guess_roles


def spoken(text):
    return [(t.speaker, text[t.start_char : t.end_char], t.time_start) for t in parse_turns(text)]


@pytest.mark.parametrize(
    "interviewer,respondent",
    [
        ("I:", "R:"),
        ("Interviewer:", "Respondent:"),
        ("Int.", "Resp."),
        ("INT:", "RESP:"),
        ("I :", "R :"),
        ("Vraag:", "Antwoord:"),
    ],
)
def test_standard_labels_split_turns(interviewer, respondent):
    text = f"{interviewer} Hoe gaat het?\n{respondent} Goed hoor.\n{interviewer} Fijn."
    assert [s[:2] for s in spoken(text)] == [
        (interviewer.rstrip(" :"), "Hoe gaat het?"),
        (respondent.rstrip(" :"), "Goed hoor."),
        (interviewer.rstrip(" :"), "Fijn."),
    ]


@pytest.mark.parametrize(
    "line,seconds",
    [
        ("[00:01:23] R: Ja.", 83.0),
        ("(00:01:23) R: Ja.", 83.0),
        ("R [00:01:23]: Ja.", 83.0),
        ("R: [00:01:23] Ja.", 83.0),
        ("R (1:02:03.5): Ja.", 3723.5),
        ("00:01:23 R: Ja.", 83.0),
        ("00:01:23\tR\tJa.", 83.0),
    ],
)
def test_timestamps_before_or_after_the_label_are_read(line, seconds):
    text = f"I: Vraag?\n{line}"
    assert spoken(text)[1] == ("R", "Ja.", seconds)


def test_recurring_names_are_speakers():
    text = (
        "Anna: Hoe oud bent u?\nMevrouw De Vries: Tachtig.\nAnna: En waar woont u?\n"
        "Mevrouw De Vries: Hier, al veertig jaar."
    )
    assert [s[0] for s in spoken(text)] == ["Anna", "Mevrouw De Vries"] * 2


def test_phrases_with_a_colon_are_not_speakers():
    text = (
        "I: Wat zei de dokter?\nR: Hij zei het zo.\nLet op: u moet rusten.\n"
        "Let op: u moet eten.\nIk zei: dat doe ik.\nIk zei: goed.\nNoot: fictief.\nI: En toen?"
    )
    turns = spoken(text)
    assert [s[0] for s in turns] == ["I", "R", "I"]
    assert turns[1][1].endswith("Noot: fictief.")


def test_a_single_name_with_colon_is_not_a_speaker():
    text = "Mijn dochter belt elke week.\n\nPiet: die zie ik nooit meer.\n\nHet is stil."
    assert [s[0] for s in spoken(text)] == [None, None, None]


def test_text_without_labels_becomes_one_turn_per_paragraph():
    text = "Eerste alinea.\nNog een regel.\n\nTweede alinea.\n\n\nDerde."
    assert [s[:2] for s in spoken(text)] == [
        (None, "Eerste alinea.\nNog een regel."),
        (None, "Tweede alinea."),
        (None, "Derde."),
    ]


def test_label_alone_on_its_line_takes_the_following_lines():
    text = "Interviewer:\nHoe gaat het?\nRespondent:\nGoed.\n\nEcht goed."
    assert [s[:2] for s in spoken(text)] == [
        ("Interviewer", "Hoe gaat het?"),
        ("Respondent", "Goed.\n\nEcht goed."),
    ]


def test_known_labels_decide_roles():
    assert guess_roles({"I": ["Hoe?"], "R": ["Zo."], "Int.": [], "Resp.": []}) == {
        "I": "interviewer",
        "R": "respondent",
        "Int.": "interviewer",
        "Resp.": "respondent",
    }


def test_the_name_asking_questions_is_guessed_interviewer():
    roles = guess_roles(
        {
            "Kees": ["Ik woon hier al lang en ken bijna niemand meer in de straat.", "Ja."],
            "Anna": ["Hoe lang woont u hier?", "Kent u de buren?"],
        }
    )
    assert roles == {"Kees": "respondent", "Anna": "interviewer"}


def test_names_next_to_a_known_interviewer_are_respondents():
    assert guess_roles({"I": ["Hoe?"], "Kees": ["Zo."]}) == {
        "I": "interviewer",
        "Kees": "respondent",
    }


def test_lower_case_letters_starting_a_list_are_not_speakers():
    text = "Wat ik nodig heb:\na: rust\nb: mensen om me heen\n\nDat is alles."
    assert {s[0] for s in spoken(text)} == {None}


@pytest.mark.parametrize(
    "first,second,labels,seconds",
    [
        # Transcription services and Word's dictation put the label and a time on a line of
        # their own, the words below (their layouts; the text is ours).
        ("Spreker 1 [00:00:01]", "Spreker 2 [00:00:04]", ("Spreker 1", "Spreker 2"), (1, 4)),
        ("00:00:01 Spreker 1", "00:00:04 Spreker 2", ("Spreker 1", "Spreker 2"), (1, 4)),
        (
            "[00:00:01.00] - Speaker 1",
            "[00:00:04.50] - Speaker 2",
            ("Speaker 1", "Speaker 2"),
            (1, 4.5),
        ),
        ("Speaker 1  0:01", "Speaker 2  0:04", ("Speaker 1", "Speaker 2"), (1, 4)),
        (
            "Interviewer (00:00:01)",
            "Respondent (00:00:04)",
            ("Interviewer", "Respondent"),
            (1, 4),
        ),
    ],
)
def test_a_header_line_with_label_and_time_starts_a_turn(first, second, labels, seconds):
    text = f"{first}\nHoe gaat het nu?\n\n{second}\nSinds de verhuizing ben ik veel alleen.\n"
    text += "Ik ken hier niemand.\n"
    assert spoken(text) == [
        (labels[0], "Hoe gaat het nu?", seconds[0]),
        (labels[1], "Sinds de verhuizing ben ik veel alleen.\nIk ken hier niemand.", seconds[1]),
    ]


def test_numbered_speakers_with_a_colon_are_speakers_and_roles_are_guessed():
    text = "Spreker 1: Hoe gaat het?\nSpreker 2: Goed hoor, ik woon hier al lang.\nSpreker 1: Echt?"
    assert [s[:2] for s in spoken(text)] == [
        ("Spreker 1", "Hoe gaat het?"),
        ("Spreker 2", "Goed hoor, ik woon hier al lang."),
        ("Spreker 1", "Echt?"),
    ]
    assert guess_roles({"Spreker 1": ["Hoe gaat het?", "Echt?"], "Spreker 2": ["Goed hoor."]}) == {
        "Spreker 1": "interviewer",
        "Spreker 2": "respondent",
    }
    assert guess_roles({"Interviewer 2": ["Hoe?"], "Respondent 3": ["Zo."]}) == {
        "Interviewer 2": "interviewer",
        "Respondent 3": "respondent",
    }


def test_a_recurring_name_on_a_header_line_is_a_speaker():
    text = "Mevrouw de Vries (00:00:01)\nIk woon hier al lang.\n\nAnna (00:00:09)\nEcht?\n\n"
    text += "Mevrouw de Vries (00:00:12)\nJa.\n\nAnna (00:00:15)\nEn nu?"
    assert [s[0] for s in spoken(text)] == ["Mevrouw de Vries", "Anna"] * 2


def test_a_teams_transcript_with_surname_comma_first_name_headers_has_speakers():
    text = "Jansen, Gerda   0:05\nIk woon hier al lang.\n\nde Boer, Anna   0:09\nEcht?\n\n"
    text += "Jansen, Gerda   0:12\nJa.\n\nde Boer, Anna   0:15\nEn nu?"
    assert [s[0] for s in spoken(text)] == ["Jansen, Gerda", "de Boer, Anna"] * 2


def test_a_diarys_date_and_time_lines_are_not_speakers():
    text = "Maandag 12:30\nIk ging naar de markt.\n\nMaandag 14:00\nNiks gedaan.\n\n"
    text += "Dinsdag 09:00\nWeer alleen.\n\nDinsdag 10:00\nKoffie."
    assert {s[0] for s in spoken(text)} == {None}


def test_a_numbered_step_with_a_colon_is_no_speaker():
    text = "Stap 1: bel de huisarts.\nStap 2: vraag om hulp.\n\nDat heb ik gedaan."
    assert {s[0] for s in spoken(text)} == {None}
    notes = "Interview 2: thuis bij haar.\nR: Ja.\nInterview 2: vervolg.\nR: Nee."
    assert [s[0] for s in spoken(notes)] == [None, "R", "R"]  # a note word, numbered too


@pytest.mark.parametrize(
    "asks,answers",
    [
        ("**I:**", "**R:**"),  # Markdown bold, colon inside
        ("**Interviewer**:", "**Respondent**:"),  # colon outside
        ("*I:*", "*R:*"),
        ("__I:__", "__R:__"),
        ("[I]:", "[R]:"),
        ("[Interviewer]", "[Respondent]"),  # a bracketed standard label needs no colon
        ("I -", "R -"),
        ("Interviewer —", "Respondent –"),
    ],
)
def test_labels_in_markup_or_with_a_dash_start_turns(asks, answers):
    text = f"{asks} Hoe gaat het nu?\n{answers} Ik ben veel alleen.\n{asks} Sinds wanneer?"
    assert [s[1] for s in spoken(text)] == [
        "Hoe gaat het nu?",
        "Ik ben veel alleen.",
        "Sinds wanneer?",
    ]
    assert None not in {s[0] for s in spoken(text)}


def test_a_markdown_heading_with_a_standard_label_starts_a_turn_but_section_headings_do_not():
    text = "### Interviewer\nHoe gaat het?\n\n### Respondent\nGoed hoor.\nEcht."
    assert [s[:2] for s in spoken(text)] == [
        ("Interviewer", "Hoe gaat het?"),
        ("Respondent", "Goed hoor.\nEcht."),
    ]
    notes = "# Inleiding\nTekst.\n\n## Methode\nTekst.\n\n## Methode\nMeer."
    assert {s[0] for s in spoken(notes)} == {None}


def test_bracketed_annotations_emphasis_and_dashes_in_prose_are_no_speakers():
    text = (
        "[Gelach] Ja, dat was mooi.\n[Gelach] Nee.\n**Belangrijk** dit onthoud ik.\n"
        "**Belangrijk** en dit.\nNou - dat weet ik niet.\nToen - ja.\nIk denk - nee."
    )
    assert {s[0] for s in spoken(text)} == {None}


def test_f4_end_times_leave_the_spoken_words_and_become_the_turns_times():
    text = (
        "I: Hoe gaat het nu met je? #00:00:05-2#\n\n"
        "B: Goed hoor. Sinds de verhuizing ben ik veel alleen. #00:00:12-7#\n\n"
        "I: En de buren? #00:01:15#\n\nB: Die ken ik niet.\n"
    )
    assert [
        (s, words, t.time_start, t.time_end)
        for (s, words, _), t in zip(spoken(text), parse_turns(text))
    ] == [
        ("I", "Hoe gaat het nu met je?", None, 5.2),
        ("B", "Goed hoor. Sinds de verhuizing ben ik veel alleen.", 5.2, 12.7),
        ("I", "En de buren?", 12.7, 75.0),
        ("B", "Die ken ik niet.", None, None),
    ]


def test_a_standard_label_a_bare_time_and_the_words_on_one_line_start_a_turn():
    text = "R 00:01:23 Ja.\nI 00:01:30 Echt?\nR 00:01:35 Ja hoor."
    assert spoken(text) == [("R", "Ja.", 83.0), ("I", "Echt?", 90.0), ("R", "Ja hoor.", 95.0)]
    # The hours of that time are no number of the label ("R 00"), and a name before a time
    # may be a sentence: no speakers there.
    diary = "Gerda 10:15 Ik ging weg.\nAnna 10:16 Waarom?\nGerda 10:17 Zomaar."
    assert {s[0] for s in spoken(diary)} == {None}
