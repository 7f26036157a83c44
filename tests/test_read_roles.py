"""Reads that return text, names or codings check the acting person's role (issue 16).

Each read below used to take no acting person, so a co-researcher (workshop role) could read
raw interview text through it. On a real project: the co-researcher is refused, the
researcher gets the rows.
"""

from __future__ import annotations

import pytest

from workbench import accounts, codings
from workbench.codebook import codings_of
from workbench.errors import PermissionDenied
from workbench.handle import Project
from workbench.ingest import list_speakers
from workbench.suggest.review import recent_decisions, review_queue
from privacy_support import add_codes, add_document, segment_ids
from workbench.handle import Project

RESEARCHER = "onderzoeker"
CO_RESEARCHER = "sanne"


@pytest.fixture
def project(db):
    accounts.add_user(Project.for_user(db, RESEARCHER), CO_RESEARCHER, role="co-onderzoeker")
    doc = add_document(db)
    add_codes(db)
    first, second, *_ = segment_ids(db, doc)
    researcher = Project.for_user(db, RESEARCHER)
    codings.add_coding(researcher, code="verlies", segment_id=first)
    codings.add_coding(
        researcher,
        code="isolement",
        segment_id=second,
        origin="machine",
        status="suggested",
        score=0.7,
    )
    decided = codings.add_coding(
        researcher,
        code="schaamte",
        segment_id=second,
        origin="machine",
        status="suggested",
        score=0.6,
    )
    codings.decide(researcher, decided, "accepted")
    return db


READS = {
    "codings_of": lambda db, actor: codings_of(Project.for_user(db, actor), "verlies"),
    "list_speakers": lambda db, actor: list_speakers(Project.for_user(db, actor)),
    "review_queue": lambda db, actor: review_queue(Project.for_user(db, actor), coder=RESEARCHER),
    "recent_decisions": lambda db, actor: recent_decisions(
        Project.for_user(db, actor), coder=RESEARCHER
    ),
}


@pytest.mark.parametrize("read", READS)
def test_a_co_researcher_is_refused_and_a_researcher_reads(project, read):
    with pytest.raises(PermissionDenied) as refused:
        READS[read](project, CO_RESEARCHER)
    assert refused.value.key == "access.denied"
    rows = READS[read](project, RESEARCHER)
    assert rows, read
    assert all(isinstance(r, dict) for r in rows)


def test_the_suggestion_reads_default_to_the_acting_users_own_queue(project):
    assert review_queue(Project.for_user(project, RESEARCHER))
    as_co = Project.for_user(project, CO_RESEARCHER)
    with pytest.raises(PermissionDenied):
        review_queue(as_co)
    with pytest.raises(PermissionDenied):
        recent_decisions(as_co)
