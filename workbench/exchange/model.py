"""A REFI-QDA project as read from a file, before anything is written to a project.

Reading and writing are separate steps: everything that can go wrong with a file (a hostile
zip, bad XML, offsets outside the text) goes wrong while reading, before the one database
transaction of the import starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RefiCode:
    guid: str
    name: str
    parent: str | None = None
    description: str | None = None
    color: str | None = None
    codable: bool = True
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiCoding:
    guid: str
    code: str  # code guid
    user: str | None  # user guid
    created: str | None = None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str  # the file's; made up here only when it has none (then guid_from_file is False)
    start: int  # code points into RefiSource.text (already normalised and mapped)
    end: int
    user: str | None
    name: str | None = None
    description: str | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    guid_from_file: bool = True


@dataclass
class RefiSource:
    guid: str
    name: str
    text: str  # normalised like every workbench document
    kind: str  # TextSource or PDFSource (its plain text representation)
    user: str | None = None
    created: str | None = None  # creationDateTime, as the workbench stores times
    description: str | None = None
    selections: list[RefiSelection] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiVariable:
    guid: str
    name: str
    type: str  # REFI typeOfVariable


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str | None = None
    values: dict[str, str] = field(default_factory=dict)  # variable guid -> value
    sources: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    name: str | None
    text: str  # PlainTextContent (or the file at plainTextPath), without the Description
    user: str | None = None
    created: str | None = None  # creationDateTime, as the workbench stores times
    modified: str | None = None  # modifiedDateTime, likewise
    description: str | None = None
    # A note about a range of a source's text (a QualCoder annotation): the source guid, the
    # range in code points of its normalised text, once the source is known, and the guid of
    # the note's own PlainTextSelection (None when the file gives none).
    ranges: list[tuple[str, int, int, str | None]] = field(default_factory=list)


@dataclass
class RefiProject:
    name: str
    origin: str | None = None
    description: str | None = None  # the project's own Description element
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    codes: list[RefiCode] = field(default_factory=list)  # parents before children
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    project_note_refs: list[str] = field(default_factory=list)
    note_links: list[tuple[str, str]] = field(default_factory=list)  # (note guid, target guid)
