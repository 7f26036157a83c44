"""The data-loss report (REFI-QDA 1.5, section 7) every import and export returns.

Tools differ in what they can hold, so some of a project does not make it across. The
standard asks the tool to say what was discarded "in as much detail as possible": each
:class:`Loss` names the kind of thing, how many, why, and a few examples. The report is
returned to the caller, shown on the page, printed by the CLI and written next to an export
(``<output>.dataloss.txt`` and ``.json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.i18n import t

if TYPE_CHECKING:
    from workbench.exchange.gather import LifeEvents

MAX_EXAMPLES = 5


@dataclass
class Loss:
    """One kind of thing that was not carried over.

    ``kind`` and ``reason`` are message keys (``exchange.kind.*``, ``exchange.reason.*``)
    so the report reads in Dutch or English.
    """

    kind: str
    reason: str
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class ExchangeReport:
    """What an import or export did, and what it left out."""

    operation: str  # "import" or "export"
    format: str  # qdpx, qdc, csv, xlsx
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    losses: list[Loss] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"key":..., "params":...}
    # Sources of an import that were already in the project: {"source", "document", "how"}
    # with how = guid, text, guid_pseudonymised or text_pseudonymised.
    matches: list[dict[str, str]] = field(default_factory=list)

    def lose(self, kind: str, reason: str, example: str | None = None, count: int = 1) -> None:
        """Count one more thing of ``kind`` not carried over for ``reason``."""
        for loss in self.losses:
            if loss.kind == kind and loss.reason == reason:
                break
        else:
            loss = Loss(kind=kind, reason=reason)
            self.losses.append(loss)
        loss.count += count
        if example and len(loss.examples) < MAX_EXAMPLES and example not in loss.examples:
            loss.examples.append(example)

    def lose_life_events(self, found: LifeEvents, reason: str) -> None:
        """Count life events, their mentions and links (``gather.life_events``) as left
        behind, with their kinds, for ``reason``."""
        for kind in found.kinds:
            self.lose("life_event", reason, kind)
        if found.mentions:
            self.lose("life_event_mention", reason, count=found.mentions)
        for cause, effect in found.links:
            self.lose("life_event_link", reason, f"{cause} -> {effect}")

    def lose_coding_work(
        self,
        statuses: dict[str, int],
        done_marks: int,
        *,
        written: tuple[str, ...],
        rejected_fit: bool,
        reason: str,
    ) -> None:
        """Count the coding work a file of codings (qdpx, csv, xlsx) does not hold: codings
        of a status not ``written`` (``statuses``: the project's count per status; suggestions
        not chosen, rejected ones, which only a table can hold: ``rejected_fit``) and the
        ``done_marks`` ("klaar"), for which no format has a place (``reason``).

        Without this a colleague reading the file cannot tell "not coded" from "not exported".
        """
        if statuses.get("rejected") and "rejected" not in written:
            why = "suggestions_not_chosen" if rejected_fit else "rejected_not_exported"
            self.lose("rejected_suggestion", why, count=statuses["rejected"])
        if statuses.get("suggested") and "suggested" not in written:
            self.lose("suggestion", "suggestions_not_chosen", count=statuses["suggested"])
        if done_marks:
            self.lose("done_mark", reason, count=done_marks)

    def rewrite_examples(self, rewrite: Callable[[str], str | None]) -> None:
        """Pass every example through ``rewrite``: a pseudonymised export replaces accepted
        names in them, since they go out next to the file and name codes by id
        ("steun-van-ria" for a code "Steun van Ria"), documents and respondents."""
        for loss in self.losses:
            loss.examples = list(dict.fromkeys(rewrite(e) or e for e in loss.examples))

    def warn(self, key: str, **params: Any) -> None:
        self.warnings.append({"key": key, "params": params})

    def match(self, source: str, document: str, how: str) -> None:
        """Record that ``source`` in the file is the project's ``document``, and how we know."""
        self.matches.append({"source": source, "document": document, "how": how})

    def match_lines(self, lang: str = "nl") -> list[str]:
        return [
            t(
                "exchange.report.matched",
                lang,
                source=m["source"],
                document=m["document"],
                how=t(f"exchange.match.{m['how']}", lang),
            )
            for m in self.matches
        ]

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    @property
    def lossless(self) -> bool:
        return not self.losses

    def headline(self, lang: str = "nl") -> str:
        name = Path(self.path).name
        return t(f"exchange.report.{self.operation}", lang, path=name, format=self.format)

    def carried_line(self, lang: str = "nl") -> str:
        carried = ", ".join(
            f"{t(f'exchange.count.{k}', lang)}: {v}" for k, v in sorted(self.counts.items())
        )
        return t("exchange.report.carried", lang, items=carried or "-")

    def warning_lines(self, lang: str = "nl") -> list[str]:
        return [t(w["key"], lang, **w["params"]) for w in self.warnings]

    def loss_lines(self, lang: str = "nl") -> list[str]:
        """One sentence per kind of loss: how many, of what, why, and a few examples."""
        out = []
        for loss in self.losses:
            line = t(
                "exchange.report.loss",
                lang,
                count=loss.count,
                kind=t(f"exchange.kind.{loss.kind}", lang),
                reason=t(f"exchange.reason.{loss.reason}", lang),
            )
            if loss.examples:
                line += " (" + "; ".join(loss.examples) + ")"
            out.append(line)
        return out

    def lines(self, lang: str = "nl") -> list[str]:
        """The report as short sentences, one per line, in ``lang``."""
        out = [self.headline(lang), self.carried_line(lang)]
        out += ["! " + w for w in self.warning_lines(lang)]
        out += ["= " + m for m in self.match_lines(lang)]
        if not self.losses:
            out.append(t("exchange.report.nothing_lost", lang))
        out += ["- " + line for line in self.loss_lines(lang)]
        return out

    def text(self, lang: str = "nl") -> str:
        return "\n".join(self.lines(lang)) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write_next_to(self, output: str | Path, lang: str = "nl") -> list[Path]:
        """Write ``<output>.dataloss.txt`` (for people) and ``.json`` (for scripts)."""
        output = Path(output)
        txt = output.with_name(output.name + ".dataloss.txt")
        js = output.with_name(output.name + ".dataloss.json")
        txt.write_text(self.text(lang), encoding="utf-8")
        js.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        return [txt, js]
