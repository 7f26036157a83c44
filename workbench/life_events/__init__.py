"""Life events: the losses and reactions in one life, the codings that mention them, and
"this led to that" links between them (issue 12).

The source research (Resokit, "De binnenkant van sociaal isolement") calls a loss cascade
one loss setting off the next, each bringing reactions (isolation, shame, exhaustion). A
list of loss codings cannot say that: a wife who died in 2020 and is mentioned again later
is one loss, not two, and "the house had to go" is a loss *because of* the death. So:

- an **event** is one happening in a life (what kind, when: a year, an age, or "before/after"
  another event, and how sure), pointed at by one or more codings (its mentions);
- a **link** says one event led to another (loss -> loss, or loss -> the reaction after it);
- the researcher makes events and links, and the workbench proposes them
  (:func:`propose`), each proposal with its evidence, confirmed or rejected like a code
  suggestion. Rejected rows are kept, so a proposal is never made twice. Evidence is stored
  as message keys with parameters and put into the reader's language when shown
  (:mod:`workbench.life_events.evidence`).

This package alone writes the tables of migration ``m012_life_events``; every write is one
transaction with an event row, every read checks the ``read`` right.
"""

from workbench.life_events.events import (
    CERTAINTIES,
    RELATIONS,
    Kinds,
    attach,
    codings_at,
    create_event,
    decide,
    event_codings,
    kinds,
    link,
    links_frame,
    mentions_frame,
    events_frame,
    remove_event,
    remove_link,
    update_event,
)
from workbench.life_events.evidence import evidence_text
from workbench.life_events.proposals import CONNECTIVES, Plan, anchors, connective_in, plan, propose

__all__ = [
    "CERTAINTIES",
    "CONNECTIVES",
    "RELATIONS",
    "Kinds",
    "anchors",
    "attach",
    "codings_at",
    "connective_in",
    "create_event",
    "decide",
    "event_codings",
    "evidence_text",
    "events_frame",
    "kinds",
    "link",
    "links_frame",
    "mentions_frame",
    "Plan",
    "plan",
    "propose",
    "remove_event",
    "remove_link",
    "update_event",
]
