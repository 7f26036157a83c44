"""Importing transcripts: readers per format, speaker labels, sentences, storage.

The public functions: :func:`import_files` (many files, each all or nothing),
:func:`read_bytes` (parse without storing), :func:`set_speaker_role` (one document's
speaker) and :func:`set_label_role` (a label in every document),
:func:`list_speakers` and :func:`analysis_segments` (the segments analysis should see).
"""

from workbench.ingest.catalog import list_documents, project_counts
from workbench.ingest.importer import (
    FileResult,
    ImportReport,
    expand_paths,
    import_files,
    set_label_role,
    set_speaker_role,
    store_document,
)
from workbench.ingest.model import ParsedDocument, Segment, Turn
from workbench.ingest.readers import FORMATS, read_bytes
from workbench.ingest.segment import segment_turns
from workbench.ingest.speakers import analysis_segments, list_speakers

__all__ = [
    "FORMATS",
    "FileResult",
    "ImportReport",
    "ParsedDocument",
    "Segment",
    "Turn",
    "analysis_segments",
    "expand_paths",
    "import_files",
    "list_documents",
    "list_speakers",
    "project_counts",
    "read_bytes",
    "segment_turns",
    "set_label_role",
    "set_speaker_role",
    "store_document",
]
