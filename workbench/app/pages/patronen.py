"""Patronen: what holds across respondents (framework matrix, frequencies, co-occurrence,
quotes, loss cascades, one respondent's profile). Every figure comes from
workbench.patterns. Fast to open: only the open tab computes anything (lazy tabs), and every
result is cached on the project file, its last change (``store.last_event_id``), the
selection and the user, so a rerun without changes recomputes nothing."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from workbench import access, life_events, patterns
from workbench.app.common import (
    acting_project,
    attempt,
    choice,
    db,
    figure,
    lang,
    project_path,
    tr,
    value_labels,
)
from workbench.app.jump import jump_link
from workbench.app.tabs import kept_tabs
from workbench.codings import STATUSES
from workbench.handle import Project
from workbench.patterns import cascade_charts, charts
from workbench.patterns.cascades import CASCADE_NAMES
from workbench.patterns.fragments import (
    code_names,
    named_columns,
    value_label,
    with_code_names,
)
from workbench.store import last_event_id

st.title(tr("page.patronen"))
handle = acting_project()  # the project as seen by this session's user
project = db()
if not handle.can("read"):
    st.warning(tr("patronen.no_access"))
    st.stop()
st.caption(tr("patronen.intro"))
# Every widget has a key and its option words are looked up in the run (app.common.choice),
# so a choice stays when the language changes and an English click reads English words.
may_export = handle.can("export")
may_take_originals = handle.can(access.ORIGINAL_TEXT)
version = last_event_id(project)  # cache key: changes with every logged change


@st.cache_data(show_spinner=False, max_entries=64)
def _compute(
    name: str,
    path: str,
    version: int,
    selection_key: str,
    acting: str,
    _project: Project,
    _selection: patterns.Selection,
    **kwargs: Any,
) -> Any:
    """One package overview, cached per project file, data version, selection and user.

    The handle is not hashable, so the cache skips it (leading underscore) and keys on the
    acting user's name instead (``acting``, the handle's user)."""
    return getattr(patterns, name)(_project, selection=_selection, **kwargs)


def overview(name: str, **kwargs: Any) -> Any:
    return attempt(
        _compute,
        name,
        str(project_path()),
        version,
        repr(selection),
        handle.user,
        _project=handle,
        _selection=selection,
        **kwargs,
    ).value


def header_words(columns: Any) -> dict[str, str]:
    """Column name -> its name in the reader's language (attribute names stay as they are)."""
    return {
        c: tr(f"patronen.col.{c}")
        for c in columns
        if isinstance(c, str) and tr(f"patronen.col.{c}") != f"patronen.col.{c}"
    }


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names in the reader's language (attribute names stay as they are)."""
    return frame.rename(columns=header_words(frame.columns))


# Columns whose values the package keeps as internal words (sure, confirmed, accepted,
# human, ...): shown in the reader's language, stored and exported as they are.
VALUE_COLUMNS = ("certainty", "status", "link", "origin")


def value_word(value: Any) -> Any:
    """An internal value ("sure", "proposed") as a word for the reader; others unchanged."""
    if not isinstance(value, str) or not value:
        return value
    key = f"patronen.value.{value}"
    word = tr(key)
    return value if word == key else word


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for the screen: column names and internal values in the reader's language."""
    words = {c: frame[c].map(value_word) for c in VALUE_COLUMNS if c in frame.columns}
    return shown(frame.assign(**words) if words else frame)


def downloads(
    name: str,
    tables: dict[str, pd.DataFrame],
    settings: list[tuple[str, str]],
    key: str,
    masked: bool | None = None,
) -> None:
    """CSV and Excel buttons; the files carry the choices made (built only on click), the
    speakers actually used and, with names replaced, no accepted name (issue 20); coders
    by number when asked, as ``--coder-codes`` on the command line."""
    if not may_export:
        return
    if masked is None:
        masked = st.toggle(
            tr("patronen.download_pseudonymise"),
            key=f"{key}_pseudonymise",
            value=not may_take_originals,
            disabled=not may_take_originals,
            help=tr(
                "patronen.download_pseudonymise_help"
                if may_take_originals
                else "patronen.download_pseudonymise_always"
            ),
        )
    masked = masked or not may_take_originals  # one rule with every export
    if masked:
        reviewed = attempt(patterns.check_pseudonymised, handle)
        if not reviewed:  # decisions not applied: the error says what to do
            return
        if not reviewed.value:
            st.warning(tr("privacy.warn.not_pseudonymised"))
    coder_codes = st.checkbox(
        tr("patronen.download_coder_codes"),
        key=f"{key}_coder_codes",
        help=tr("patronen.download_coder_codes_help"),
    )
    about = patterns.about_rows(name, project_path(), selection.describe() + settings)
    headers = {c: w for frame in tables.values() for c, w in header_words(frame.columns).items()}
    left, right = st.columns(2)
    for column, fmt, mime in (
        (left, "csv", "text/csv"),
        (right, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        column.download_button(
            tr(f"patronen.download_{fmt}"),
            partial(
                patterns.export_bytes,
                handle,
                tables,
                about,
                fmt,
                pseudonymise=masked,
                coder_codes=coder_codes,
                headers=headers,
                lang=lang(),
            ),
            file_name=patterns.export_file_name(handle, name, fmt, pseudonymise=masked),
            mime=mime,
            key=f"{key}_{fmt}",
            on_click="ignore",
        )


NAMES = code_names(handle, lang())  # code id -> the name the codebook gives it now
BY_NAME = {name: code for code, name in NAMES.items()}


def code_label(code: Any) -> Any:
    """A code as the reader knows it: its current name (the id when it has none)."""
    return NAMES.get(code, code) if isinstance(code, str) else code


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for the screen with every code shown by its name (the Code column reads
    "Ontmoetingsplek", not the id; a list of ids the list of names the package put in the
    name column); the separate name columns of the exports go."""
    pairs = {c: n for c, n in CASCADE_NAMES.items() if c in frame.columns}
    out = frame.assign(
        **{
            c: frame[c].map(NAMES).fillna(frame[n]) if n in frame else frame[c].map(code_label)
            for c, n in pairs.items()
        }
    )
    return out.drop(columns=[n for n in pairs.values() if n in out.columns])


def open_link(
    row: pd.Series, coding: str = "coding", code: str = "code", label: str = "patronen.jump.open"
) -> None:
    """A link to the place of ``row[coding]`` in its interview (the coding page)."""
    place = attempt(patterns.place_of, handle, int(row[coding])).value
    if place is not None:
        name = code_label(row.get(code)) or ""
        jump_link(tr(label, code=name, document=row.get("document") or ""), **place)


def quote_table(
    frame: pd.DataFrame,
    columns: list[str],
    key: str,
    links: tuple[tuple[str, str], ...] = (("coding", "code"),),
    names: bool = False,
) -> None:
    """Quotes, one per row: a click on a row gives the link to its place in the interview
    (one per ``(coding column, code column)`` in ``links``), as on the Zoeken page.
    ``names``: codes shown by their name."""
    table = frame[columns]
    if names:  # with their name columns: a list of ids reads as the list of names
        names_of = [n for c, n in CASCADE_NAMES.items() if c in columns and n in frame.columns]
        table = named(frame[list(dict.fromkeys([*columns, *names_of]))])
    event = st.dataframe(
        readable(table),
        hide_index=True,
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = event.selection.rows if event else []
    if rows and rows[0] < len(frame):
        for coding, code in links:
            open_link(frame.iloc[rows[0]], coding, code)
    else:
        st.caption(tr("patronen.jump.pick"))


# ----------------------------------------------------------------------------- selection
with st.expander(tr("patronen.selection")):
    filters: list[tuple[str, str]] = []
    shown_filters: dict[str, str] = {}  # "leeftijd=67.5" as the caption writes it: 67,5
    values = patterns.attribute_values(handle)
    names = list(dict.fromkeys(values["attribute"]))
    columns = st.columns(max(min(len(names), 4), 1))
    for i, attribute in enumerate(names):
        of_attribute = values[values["attribute"] == attribute]
        kind = of_attribute["type"].iloc[0]
        labels = value_labels(of_attribute["value"], kind)  # ja/nee, not true; 67,5 in Dutch
        chosen = columns[i % len(columns)].multiselect(
            attribute,
            list(labels),
            key=f"patronen_attr_{attribute}",
            placeholder=tr("patronen.any_value", attribute=attribute),
            format_func=labels.__getitem__,
            select_all=False,
        )
        filters += [(attribute, value_label(v, kind, lang())) for v in chosen]
        shown_filters |= {f"{attribute}={v}": f"{attribute}={labels[v]}" for v in chosen}
    left, middle, right = st.columns(3)
    coders = left.multiselect(
        tr("patronen.coders"),
        patterns.coders(handle),
        key="patronen_coders",
        placeholder=tr("app.choose_many"),
        select_all=False,
    )
    statuses = choice(
        middle.multiselect,
        tr("patronen.status"),
        {s: tr(f"patronen.status_{s}") for s in STATUSES},
        key="patronen_status",
        default=["accepted"],
        placeholder=tr("app.choose_many"),
        select_all=False,
    )
    rollup = right.toggle(tr("patronen.rollup"), key="patronen_rollup")
    everyone = right.toggle(tr("patronen.interviewer"), key="patronen_interviewer")
selection = patterns.Selection.build(
    filters=filters,
    coders=coders,
    statuses=statuses or None,
    rollup=rollup,
    speakers="all" if everyone else None,
)
words = {
    "(all)": tr("patronen.sel.all"),
    "yes": tr("patronen.sel.yes"),
    "no": tr("patronen.sel.no"),
    "respondent": tr("patronen.sel.respondent"),
    "all": tr("patronen.sel.all"),
    **{s: tr(f"patronen.status_{s}") for s in STATUSES},
    **shown_filters,
}
used = {  # what the caption says: the speakers counted, not "as set for the project"
    ("status", "(all)"): tr("patronen.sel.every_status"),
    ("speakers", "(project setting)"): patterns.speakers_used(handle, selection),
}
chosen_rows = [(k, used.get((k, v), v)) for k, v in selection.describe()]
st.caption(
    tr(
        "patronen.filters_used",
        text="; ".join(
            f"{tr(f'patronen.sel.{k}')}: {', '.join(words.get(p, p) for p in v.split(', '))}"
            for k, v in chosen_rows
        ),
    )
)

matrix = overview("framework_matrix")
if matrix is None:
    st.stop()
if matrix.empty or matrix.to_numpy().sum() == 0:
    st.info(tr("patronen.empty"))
    st.stop()
people = overview("respondents")
unlinked = (
    people.loc[people["respondent_id"].isna(), "respondent"].tolist() if people is not None else []
)
if unlinked:  # such a document is a row, and a person in every n, of its own
    st.caption(tr("patronen.unlinked", n=len(unlinked), names=", ".join(unlinked)))
PLACE_COLUMNS = ("coding", "coding_a", "coding_b")  # ids for the jump, not for reading
TABS = ("matrix", "frequencies", "cooccurrence", "quotes", "cascades", "profile")
tab = kept_tabs("patronen_tab", {name: f"patronen.tab.{name}" for name in TABS})


# ----------------------------------------------------------------------------- matrix
def show_matrix() -> None:
    st.caption(tr("patronen.matrix.help"))
    event = st.dataframe(
        matrix.rename(columns=NAMES).rename_axis(tr("patronen.col.respondent")),
        on_select="rerun",
        selection_mode="single-cell",
        key="patronen_matrix",
        width="stretch",
    )
    with st.expander(tr("patronen.matrix.pick")):
        left, right = st.columns(2)
        who = left.selectbox(
            tr("patronen.col.respondent"),
            list(matrix.index),
            index=None,
            key="patronen_cell_respondent",
            placeholder=tr("app.choose"),
        )
        which = right.selectbox(
            tr("patronen.col.code"),
            list(matrix.columns),
            index=None,
            key="patronen_cell_code",
            format_func=code_label,
            placeholder=tr("app.choose"),
        )
    cells = ((event or {}).get("selection") or {}).get("cells") or []
    if cells:
        row, column = cells[0]
        who, which = matrix.index[int(row)], BY_NAME.get(column, column)
    if who is not None and which is not None:
        st.subheader(tr("patronen.matrix.cell", respondent=who, code=code_label(which)))
        found = overview("matrix_quotes", respondent=who, code=which)
        if found is not None and found.empty:
            st.info(tr("patronen.matrix.none"))
        elif found is not None:
            open_link(found.iloc[0], label="patronen.jump.first")  # one click from the cell
            quote_table(found, ["document", "speaker", "text", "coders"], "patronen_matrix_quotes")
    cells_table = overview("framework_cells", lang=lang())
    by_name, columns = named_columns(handle, matrix, lang())  # names to read, ids in settings
    downloads(
        "matrix",
        {"matrix": by_name.reset_index(), "citaten": cells_table},
        columns,
        "patronen_dl_matrix",
    )


# ----------------------------------------------------------------------------- frequencies
def show_frequencies() -> None:
    left, right = st.columns(2)
    by = choice(
        left.selectbox,
        tr("patronen.freq.by"),
        {None: tr("patronen.freq.no_grouping"), **{a: a for a in names}},
        key="patronen_freq_by",
    )
    measure = choice(
        right.radio,
        tr("patronen.freq.measure"),
        {m: tr(f"patronen.col.{m}") for m in ("share", "respondents", "fragments")},
        key="patronen_freq_measure",
        horizontal=True,
    )
    freq = overview("code_frequencies", by=by, lang=lang())
    if freq is not None:
        shown_freq = freq  # the downloads keep the stored number ("1234.5"), machine-readable
        if ((values["attribute"] == by) & (values["type"] == "number")).any():
            shown_freq = freq.assign(group=freq["group"].map(figure))  # 1234,5 in Dutch
        titles = {
            c: tr(f"patronen.col.{c}")
            for c in ("code", "group_size", "respondents", "share", "fragments")
        }
        titles["group"] = by or ""
        st.altair_chart(
            charts.frequency_chart(
                shown_freq,
                measure=measure,
                titles=titles,
                title=tr(f"patronen.freq.title.{measure}"),
                subtitle=tr("patronen.freq.per_group", by=by) if by else tr("patronen.freq.all"),
            )
        )
        st.markdown(f"**{tr('patronen.freq.numbers')}**")
        st.dataframe(readable(named(shown_freq)), hide_index=True, width="stretch")
        downloads(
            "frequenties", {"frequenties": freq}, [("by", by or "(none)")], "patronen_dl_freq"
        )


# ----------------------------------------------------------------------------- co-occurrence
def scope_words() -> dict[str, str]:
    """Where two codes meet, in words (for app.common.choice; the quotes tab asks it too)."""
    return {s: tr(f"patronen.co.scope_{s}") for s in patterns.SCOPES}


def show_cooccurrence() -> None:
    left, right = st.columns(2)
    scope = choice(
        left.radio, tr("patronen.co.scope"), scope_words(), key="patronen_co_scope", horizontal=True
    )
    window = 0
    if scope == "window":
        window = right.number_input(
            tr("patronen.co.window"), min_value=1, max_value=20, value=2, key="patronen_co_window"
        )
    table = overview("cooccurrence", scope=scope, window=int(window))
    pairs = overview("cooccurrence_pairs", scope=scope, window=int(window), lang=lang())
    if table is not None and pairs is not None:
        where = (
            tr("patronen.co.where_window", window=int(window))
            if scope == "window"
            else tr(f"patronen.co.scope_{scope}")
        )
        st.caption(tr("patronen.co.heatmap_help", where=where))
        titles = {
            "code_a": tr("patronen.col.code_a"),
            "code_b": tr("patronen.col.code_b"),
            "meetings": tr("patronen.col.meetings"),
        }
        clicked = st.altair_chart(
            charts.cooccurrence_heatmap(
                with_code_names(handle, patterns.heatmap_data(table), lang=lang()),
                titles=titles,
                order=list(table.index),
            ),
            on_select="rerun",
            key="patronen_heatmap",
        )
        with st.expander(tr("patronen.co.network")):
            most = int(pairs["meetings"].max()) if len(pairs) else 1
            least = st.slider(
                tr("patronen.co.min"), 1, max(most, 2), min(2, most), key="patronen_co_min"
            )
            if len(pairs):
                st.graphviz_chart(
                    patterns.cooccurrence_dot(pairs, min_meetings=least, labels=NAMES)
                )
        st.dataframe(readable(named(pairs)), hide_index=True, width="stretch")
        pair = choice(
            st.selectbox,
            tr("patronen.co.pair"),
            {
                p: tr("patronen.co.pair_label", a=code_label(p[0]), b=code_label(p[1]), n=p[2])
                for p in zip(pairs["code_a"], pairs["code_b"], pairs["meetings"])
            },
            key="patronen_co_pair",
            index=None,
            placeholder=tr("app.choose"),
        )
        picked = ((clicked or {}).get("selection") or {}).get("pair") or []
        if picked and picked[0].get("code_a") and picked[0].get("code_b"):
            pair = (picked[0]["code_a"], picked[0]["code_b"], None)
        if pair is not None:
            where = overview(
                "cooccurrence_fragments",
                code_a=pair[0],
                code_b=pair[1],
                scope=scope,
                window=int(window),
            )
            if where is not None and where.empty:
                st.info(tr("patronen.co.none"))
            elif where is not None:
                quote_table(
                    where,
                    [c for c in where.columns if c not in PLACE_COLUMNS],
                    "patronen_co_quotes",
                    (("coding_a", "code_a"), ("coding_b", "code_b")),
                    names=True,
                )
        by_name, columns = named_columns(handle, table, lang())
        downloads(
            "samen",
            {"samen": with_code_names(handle, by_name.reset_index(), lang=lang()), "paren": pairs},
            [("scope", scope), ("window", str(window)), *columns],
            "patronen_dl_co",
        )


# ----------------------------------------------------------------------------- quotes
def show_quotes() -> None:
    in_use = patterns.codes_table(handle).query("active")  # a merged code has no quotes
    all_codes = list(dict.fromkeys(in_use["root" if selection.rollup else "code"]))
    chosen = st.multiselect(
        tr("patronen.q.codes"),
        all_codes,
        key="patronen_q_codes",
        format_func=code_label,
        placeholder=tr("app.choose_many"),
        select_all=False,
    )
    left, right = st.columns(2)
    with_codes = left.multiselect(
        tr("patronen.q.and"),
        all_codes,
        key="patronen_q_and",
        format_func=code_label,
        placeholder=tr("app.choose_many"),
        select_all=False,
    )
    without = right.multiselect(
        tr("patronen.q.not"),
        all_codes,
        key="patronen_q_not",
        format_func=code_label,
        placeholder=tr("app.choose_many"),
        select_all=False,
    )
    q_scope = choice(
        left.radio, tr("patronen.co.scope"), scope_words(), key="patronen_q_scope", horizontal=True
    )
    q_window = 0
    if q_scope == "window":
        q_window = right.number_input(
            tr("patronen.co.window"), min_value=1, max_value=20, value=2, key="patronen_q_window"
        )
    masked = st.toggle(tr("patronen.q.pseudonymise"), key="patronen_q_pseudonymise")
    if not chosen:
        st.caption(tr("patronen.q.choose"))
    else:
        found = overview(
            "quotes",
            codes=chosen,
            all_of=with_codes,
            none_of=without,
            scope=q_scope,
            window=int(q_window),
            pseudonymise=masked,
        )
        if found is not None:
            st.success(tr("patronen.q.found", n=len(found)))
            quote_table(
                found,
                [c for c in found.columns if c not in PLACE_COLUMNS],
                "patronen_q_quotes",
                names=True,
            )
            settings = (
                [("code", c) for c in chosen]
                + [("and", c) for c in with_codes]
                + [("not", c) for c in without]
                + [("scope", q_scope), ("window", str(q_window))]
            )
            downloads(
                "citaten",
                {"citaten": with_code_names(handle, found, lang=lang())},
                settings,
                "patronen_dl_quotes",
                masked,
            )


# ----------------------------------------------------------------------------- cascades
def life_line(cascades: patterns.Cascades, person: str, key: str) -> None:
    """One person's life line; a click on a loss, reaction or arrow opens its quotes."""
    mine = {
        name: frame[frame["respondent"] == person]
        for name, frame in (
            ("events", cascades.events),
            ("reactions", cascades.reactions),
            ("links", cascades.links),
        )
    }
    if mine["events"].empty:
        st.info(tr("patronen.cas.no_events", respondent=person))
        return
    titles = {
        k: tr(f"patronen.cas.chart.{k}") for k in ("kind", "when", "status", "text", "untimed")
    }
    clicked = st.altair_chart(
        cascade_charts.life_line_chart(
            mine["events"], mine["reactions"], mine["links"], titles=titles
        ),
        on_select="rerun",
        key=f"{key}_chart",
        width="content",
    )
    st.caption(tr("patronen.cas.chart_help"))
    if (mine["events"]["timing"] == "told").any():
        st.caption(tr("patronen.cas.untimed"))
    elements = {
        f"event:{e}": tr("patronen.cas.pick_event", event=e, kind=k, when=w or "—")
        for e, k, w in zip(mine["events"]["event"], mine["events"]["name"], mine["events"]["when"])
    }
    elements |= {
        f"event:{e}": tr("patronen.cas.pick_event", event=e, kind=k, when=w or "—")
        for e, k, w in zip(
            mine["reactions"]["event"], mine["reactions"]["name"], mine["reactions"]["when"]
        )
    }
    elements |= {
        f"link:{link}": tr(
            "patronen.cas.pick_link", a=a, b=b, status=tr(f"patronen.cas.status.{s}")
        )
        for link, a, b, s in zip(
            mine["links"]["link"],
            mine["links"]["cause_name"],
            mine["links"]["effect_name"],
            mine["links"]["status"],
        )
    }
    picked = st.selectbox(
        tr("patronen.cas.pick"),
        list(elements),
        index=None,
        format_func=elements.get,
        key=f"{key}_pick",
        placeholder=tr("app.choose"),
    )
    chosen = ((clicked or {}).get("selection") or {}).get(cascade_charts.SELECTION) or []
    if chosen and chosen[0].get(cascade_charts.ELEMENT):
        picked = chosen[0][cascade_charts.ELEMENT]
    if picked:
        element_quotes(cascades, picked, f"{key}_quotes")


def element_quotes(cascades: patterns.Cascades, element: str, key: str) -> None:
    """The quotes behind one event, or a link's evidence and the quotes of both its ends."""
    what, _, number = element.partition(":")
    quotes = cascades.quotes
    if what == "link":
        found = cascades.links[cascades.links["link"] == int(number)]
        if found.empty:
            return
        link = found.iloc[0]
        st.markdown(
            tr(
                "patronen.cas.link_title",
                a=link["cause_name"],
                b=link["effect_name"],
                status=tr(f"patronen.cas.status.{link['status']}"),
            )
        )
        if link["evidence"]:
            st.caption(tr("patronen.cas.evidence", evidence=link["evidence"]))
        ends = [int(link["cause"]), int(link["effect"])]
    else:
        ends = [int(number)]
    shown_quotes = quotes[quotes["event"].isin(ends)]
    shown_quotes = shown_quotes.drop_duplicates(["event", "document", "segment", "text"])
    quote_table(shown_quotes, ["event", "code", "document", "coder", "text"], key, names=True)


def show_cascades() -> None:
    st.caption(tr("patronen.cas.help"))
    left, right = st.columns([2, 1])
    planned = left.toggle(tr("patronen.cas.show_plans"), value=True, key="patronen_cas_plans")
    proposed = left.toggle(tr("patronen.cas.include_proposed"), key="patronen_cas_proposed")
    cascades = overview(
        "cascade_overview", include_proposed=proposed, proposals=planned, lang=lang()
    )
    if cascades is None:
        return
    unplaced = cascades.unplaced
    open_losses = int(unplaced["losses"].sum()) if len(unplaced) else 0
    open_reactions = int(unplaced["reactions"].sum()) if len(unplaced) else 0
    if open_losses or open_reactions:  # either kind is left out of the counts below
        st.info(tr("patronen.cas.unplaced", n=open_losses, reactions=open_reactions))
    if handle.can("code") and right.button(
        tr("patronen.cas.propose"), icon=":material/auto_awesome:", key="patronen_cas_propose"
    ):
        if attempt(
            life_events.propose,
            handle,
            toast=lambda made: tr("patronen.cas.proposed", **made),
        ):
            st.rerun()
    if cascades.events.empty:
        st.info(tr("patronen.cas.none"))
        return
    lengths = cascades.lengths
    having = lengths[lengths["length"] > 0]
    summary = "patronen.cas.summary_proposed" if proposed else "patronen.cas.summary"
    if having.empty:  # not "0 of 1 person have ... The longest has 0 losses"
        summary = "patronen.cas.nobody_proposed" if proposed else "patronen.cas.nobody"
    st.markdown(
        tr(
            summary,
            having=len(having),
            total=len(lengths),
            longest=int(lengths["length"].max()),
        )
    )
    people = list(dict.fromkeys(cascades.events["respondent"]))
    ranked = lengths.sort_values("length", ascending=False, kind="stable")["respondent"]
    first = next((p for p in ranked if p in people), people[0])
    person = st.selectbox(
        tr("patronen.cas.person"), people, index=people.index(first), key="patronen_cas_person"
    )
    life_line(cascades, person, "patronen_cas")
    st.markdown(f"**{tr('patronen.cas.events')}**")
    mine = cascades.events[cascades.events["respondent"] == person]
    quote_table(
        mine,
        [
            "step",
            "event",
            "code",
            "label",
            "when",
            "certainty",
            "status",
            "followed_by",
            "led_to",
            "maybe_followed_by",
            "maybe_led_to",
            "mentions",
            "text",
        ],
        "patronen_cas_events",
        names=True,
    )
    reactions = cascades.reactions[cascades.reactions["respondent"] == person]
    if len(reactions):
        st.markdown(f"**{tr('patronen.cas.reactions')}**")
        quote_table(
            reactions,
            ["event", "code", "follows", "follows_code", "link", "when", "status", "text"],
            "patronen_cas_reactions",
            names=True,
        )

    st.subheader(tr("patronen.cas.across"))
    st.markdown(f"**{tr('patronen.cas.transitions')}**")
    if len(cascades.transitions):
        titles = {
            k: tr(f"patronen.cas.chart.{k}")
            for k in ("links", "status", "confirmed", "proposed", "pair")
        }
        st.altair_chart(
            cascade_charts.transition_chart(cascades.transitions, titles=titles), width="content"
        )
    st.dataframe(readable(named(cascades.transitions)), hide_index=True, width="stretch")
    st.caption(tr("patronen.cas.people_confirmed"))  # also under the reactions table
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('patronen.cas.first_losses')}**")
        st.dataframe(readable(named(cascades.first_losses)), hide_index=True, width="stretch")
        st.markdown(f"**{tr('patronen.cas.lengths')}**")
        titles = {
            "length": tr("patronen.col.length"),
            "respondents": tr("patronen.col.respondents"),
        }
        st.altair_chart(
            charts.count_bars(cascades.length_counts, x="length", y="respondents", titles=titles)
        )
    with right:
        st.markdown(f"**{tr('patronen.cas.reaction_counts')}**")
        st.dataframe(readable(named(cascades.reaction_counts)), hide_index=True, width="stretch")
        st.caption(tr("patronen.cas.people_confirmed"))
    st.markdown(f"**{tr('patronen.cas.chains')}**")
    st.dataframe(readable(named(cascades.chains)), hide_index=True, width="stretch")
    downloads(
        "verliescascades",
        patterns.cascade_tables(cascades),
        [
            ("include_proposed", "yes" if proposed else "no"),
            ("proposals", "yes" if planned else "no"),
        ],
        "patronen_dl_cascades",
    )


# ----------------------------------------------------------------------------- profile
def show_profile() -> None:
    person = st.selectbox(tr("patronen.prof.who"), list(matrix.index), key="patronen_profile")
    profile = overview("respondent_profile", respondent=person, lang=lang()) if person else None
    if profile is None:
        return
    if profile.pseudonym:
        st.caption(tr("patronen.prof.pseudonym", name=profile.pseudonym))
    left, right = st.columns([1, 2])
    with left:
        st.markdown(f"**{tr('patronen.prof.attributes')}**")
        st.dataframe(readable(profile.attributes), hide_index=True)
    with right:
        st.markdown(f"**{tr('patronen.prof.codes')}**")
        if not profile.codes.empty:
            titles = {"name": tr("patronen.col.code"), "fragments": tr("patronen.col.fragments")}
            st.altair_chart(
                charts.count_bars(
                    profile.codes, x="name", y="fragments", titles=titles, horizontal=True
                )
            )
        st.dataframe(readable(named(profile.codes)), hide_index=True, width="stretch")
    st.markdown(f"**{tr('patronen.prof.timeline')}**")
    cascades = overview("cascade_overview", proposals=True, lang=lang())
    if cascades is not None and (cascades.events["respondent"] == person).any():
        life_line(cascades, person, "patronen_prof")
    kinds = {k: tr(f"patronen.kind.{k}") for k in ("loss", "follower", "other")}
    timeline = profile.timeline.assign(kind=profile.timeline["kind"].map(kinds))
    quote_table(
        timeline,
        [c for c in timeline.columns if c not in PLACE_COLUMNS],
        "patronen_prof_quotes",
        names=True,
    )
    downloads(
        f"persoon-{person}",
        {"kenmerken": profile.attributes, "codes": profile.codes, "verhaal": profile.timeline},
        [("respondent", str(person))],
        "patronen_dl_profile",
    )


# Only the open tab computes anything (issue 17: the page opened in 3.6-4.1 s).
SHOW = {
    "matrix": show_matrix,
    "frequencies": show_frequencies,
    "cooccurrence": show_cooccurrence,
    "quotes": show_quotes,
    "cascades": show_cascades,
    "profile": show_profile,
}
for name, container in tab.items():
    if container.open:
        with container:
            SHOW[name]()
