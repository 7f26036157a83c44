"""Quote retrieval: every fragment of a code, or of a combination (A and B, A not B).

"A and B" keeps the fragments of A that meet a fragment of B (same segment by default, or
the same turn, or within N segments; see :mod:`workbench.patterns.cooccurrence`);
"A not B" keeps the fragments of A that meet no fragment of B. Several AND codes must all
meet; several NOT codes must all be absent.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.errors import InputError
from workbench.handle import Project
from workbench.patterns.cooccurrence import check_scope, meeting_pairs
from workbench.patterns.fragments import (
    Selection,
    check_codes,
    fragments,
    with_attributes,
    with_text,
)

QUOTE_COLUMNS = [
    "respondent",
    "pseudonym",
    "document",
    "speaker",
    "code",
    "text",
    "coders",
    "seg_first",
    "start_char",
    "end_char",
    "life_year",
    "life_age",
    "coding",
]


def quotes(
    project: Project,
    codes: Sequence[str],
    selection: Selection = Selection(),
    *,
    all_of: Sequence[str] = (),
    none_of: Sequence[str] = (),
    scope: str = "segment",
    window: int = 0,
    pseudonymise: bool = False,
) -> pd.DataFrame:
    """Fragments of any of ``codes`` that meet every code in ``all_of`` and none in ``none_of``.

    ``pseudonymise`` shows the quotes with the project's pseudonyms in place of names.

    One row per fragment, in respondent and document order, with the respondent's
    attributes as extra columns (QUOTE_COLUMNS first; ``coding`` is a coding behind the
    fragment, for :func:`~workbench.patterns.places.place_of`). With ``selection.rollup`` a top-level
    code also finds its sub-codes' fragments. Needs ``read``.
    """
    project.require("read")
    if not codes:
        raise InputError("patterns.no_code")
    check_scope(scope, window)
    codes = check_codes(project, codes, rollup=selection.rollup)
    all_of = check_codes(project, all_of, rollup=selection.rollup)
    none_of = check_codes(project, none_of, rollup=selection.rollup)
    frame = fragments(project, selection, details=False)
    hits = frame[frame["code"].isin(codes)]
    for other in all_of:
        met = meeting_pairs(hits, frame[frame["code"] == other], scope=scope, window=window)
        hits = hits[hits["fragment_id"].isin(met["fragment_a"])]
    for other in none_of:
        met = meeting_pairs(hits, frame[frame["code"] == other], scope=scope, window=window)
        hits = hits[~hits["fragment_id"].isin(met["fragment_a"])]
    hits = hits.sort_values(["respondent", "document_id", "start_char", "code"])
    out = with_attributes(
        project, with_text(project, hits.reset_index(drop=True), pseudonymise=pseudonymise)
    )
    out["coding"] = out["fragment_id"]  # the place in the interview (patterns.place_of)
    extra = [c for c in out.columns if c not in QUOTE_COLUMNS and c not in _INTERNAL]
    out = out[QUOTE_COLUMNS + extra]
    if pseudonymise:  # names also sit in speaker labels, document names, attribute values
        from workbench.privacy.pseudonyms import pseudonymise_table

        out = pseudonymise_table(project, out)
    return out


_INTERNAL = {
    "fragment_id",
    "document_id",
    "respondent_id",
    "n_codings",
    "seg_last",
    "turn_first",
    "turn_last",
    "speaker_role",
}
