"""One respondent on one page: attributes, code profile and the life-story timeline."""

from __future__ import annotations

import dataclasses

import pandas as pd

from workbench.errors import NotFound
from workbench.handle import Project
from workbench.i18n import DEFAULT_LANGUAGE
from workbench.patterns.cascades import FOLLOWERS, LOSS_ROOT, NOT_EVENTS, descendants, life_order
from workbench.patterns.fragments import (
    Selection,
    codes_table,
    fragments,
    respondents,
    value_label,
    with_code_names,
    with_text,
)


@dataclasses.dataclass
class Profile:
    respondent: str
    pseudonym: str | None
    attributes: pd.DataFrame  # attribute, value (yes/no as "ja"/"nee" in ``lang``)
    codes: pd.DataFrame  # code, name, fragments, share_of_fragments (of this person's)
    timeline: pd.DataFrame  # every fragment in life-story order: code, name, kind, coding


def respondent_profile(
    project: Project,
    respondent: str,
    selection: Selection = Selection(),
    lang: str = DEFAULT_LANGUAGE,
) -> Profile:
    """Everything about one respondent the patterns page shows (case code, e.g. R01), with
    the codes' names in ``lang``.

    ``codes.share_of_fragments`` is the code's part of this person's fragments (2 of 8 is
    0.25), not a share of a group of people. Needs ``read``."""
    project.require("read")
    people = respondents(project, dataclasses.replace(selection, filters=()))
    found = people[people["respondent"] == respondent]
    if found.empty:
        raise NotFound("patterns.unknown_respondent", respondent=respondent)
    rid = found["respondent_id"].iloc[0]
    attributes = pd.read_sql_query(
        "SELECT v.attribute, v.value, a.type FROM attribute_values v JOIN attributes a "
        "ON a.name = v.attribute WHERE v.respondent_id = ? ORDER BY a.position, a.name",
        project.db.conn,
        params=[None if pd.isna(rid) else int(rid)],
    )
    # a yes/no value reads "ja"/"nee" ("yes"/"no"), as in the filters, not the stored "true"
    attributes = attributes.assign(
        value=[value_label(v, k, lang) for v, k in zip(attributes["value"], attributes["type"])]
    ).drop(columns="type")
    frame = with_text(project, fragments(project, selection, details=False, respondent=respondent))
    table = codes_table(project)
    counts = frame["code"].value_counts().rename("fragments")
    codes = with_code_names(
        project,
        table.merge(counts, left_on="code", right_index=True)[["code", "fragments"]],
        lang=lang,
    )
    codes["share_of_fragments"] = (codes["fragments"] / max(len(frame), 1)).round(4)
    losses = set(descendants(project, LOSS_ROOT)) - set(NOT_EVENTS)
    follow = set(FOLLOWERS) | set(table.loc[table["root"].isin(FOLLOWERS), "code"])
    timeline = with_code_names(project, life_order(project, frame), lang=lang)
    timeline["kind"] = "other"
    timeline.loc[timeline["code"].isin(follow), "kind"] = "follower"
    timeline.loc[timeline["code"].isin(losses), "kind"] = "loss"
    timeline = timeline.rename(columns={"fragment_id": "coding"})[
        [
            "story_rank",
            "code",
            "name",
            "kind",
            "life_year",
            "life_age",
            "life_key",
            "document",
            "seg_first",
            "speaker",
            "text",
            "coders",
            "coding",
        ]
    ]
    return Profile(
        respondent=respondent,
        pseudonym=found["pseudonym"].iloc[0],
        attributes=attributes,
        codes=codes.reset_index(drop=True),
        timeline=timeline.reset_index(drop=True),
    )
