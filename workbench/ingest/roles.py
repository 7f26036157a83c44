"""Guessing who is the interviewer and who the respondent.

Standard labels decide by themselves (I, Int., Interviewer, Vraag -> interviewer; R, Resp.,
Respondent, Antwoord -> respondent). For names, the speaker who asks the largest share of
questions, and on a tie speaks in shorter turns, is taken as the interviewer; the others are
respondents. It is only a first guess: the user confirms or changes it
(:func:`workbench.ingest.speakers.set_speaker_role`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

ROLES = ("interviewer", "respondent", "other")


def role_effect(role: str) -> str:
    """The message key that says what giving a speaker ``role`` changes (``{label}``).

    Only respondent turns count where a user (or the project setting) keeps to what
    respondents say; interviewer and other are alike there, so they share one message.
    """
    return "ingest.role_effect.respondent" if role == "respondent" else "ingest.role_effect.not"


_INTERVIEWER = re.compile(
    r"(?i)(i|int|interv|interviewer|interviewster|onderzoeker|moderator|gespreksleider|vraag|v|q)"
    r"(?:[ ]?\d{1,2})?"
)
_RESPONDENT = re.compile(
    r"(?i)(r|resp|respondent|respondente|geïnterviewde|geinterviewde|interviewee|deelnemer|"
    r"deelneemster|antwoord|a)(?:[ ]?\d{1,2})?"
)


def known_role(label: str) -> str | None:
    """The role a standard label stands for, or None for a name."""
    key = label.strip().rstrip(".:").strip()
    if _INTERVIEWER.fullmatch(key):
        return "interviewer"
    if _RESPONDENT.fullmatch(key):
        return "respondent"
    return None


def guess_roles(turns_by_speaker: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A role for each speaker label, given the texts of that speaker's turns."""
    roles = {label: known_role(label) for label in turns_by_speaker}
    unknown = [label for label, role in roles.items() if role is None]
    if not unknown:
        return {label: str(role) for label, role in roles.items()}
    has_interviewer = "interviewer" in roles.values()
    if has_interviewer or len(unknown) == 1:
        for label in unknown:
            roles[label] = "respondent"
    else:

        def asks(label: str) -> tuple[float, float]:
            texts = turns_by_speaker[label]
            questions = sum(text.rstrip().endswith("?") for text in texts) / max(len(texts), 1)
            mean_length = sum(len(text) for text in texts) / max(len(texts), 1)
            return questions, -mean_length

        interviewer = max(unknown, key=asks)
        for label in unknown:
            roles[label] = "interviewer" if label == interviewer else "respondent"
    return {label: str(role) for label, role in roles.items()}
