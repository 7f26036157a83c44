"""Codebooks: the codes a team codes with, as YAML files and inside a project.

The package is split by job, because one 1,500-line module that validated, installed,
edited, read and exported codebooks was hard to change without reading all of it (issue 16):

- :mod:`.model`: the ``Code`` and ``Codebook`` types and the field rules (MacQueen et al.
  1998: what a code means, when (not) to use it, examples) that every way in shares;
- :mod:`.yaml_io`: the file format, read strictly and safely, written so it reads back, and
  the shipped codebooks;
- :mod:`.views`: reads of a project's codebooks (tree with counts, codebook as edited, log);
- :mod:`.editing`: every change (install, import, add, edit, rename, move, merge, split,
  recode, note, remove), the only writer of ``codebooks``, ``codes`` and
  ``codebook_changes``;
- :mod:`.export`: Markdown and Word documents, and export to a file or a download.

Inside the workbench package import a name from the module that owns it. This module
re-exports the public functions, so ``from workbench import codebook as cb`` (the CLI, the
Codeboek page) and code outside the package keep one flat API.
"""

from __future__ import annotations

from workbench.codebook.editing import (
    add_code,
    add_imported_code,
    edit_code,
    ensure_imported_codebook,
    install_codebook,
    install_codebook_file,
    install_codebook_text,
    merge_codes,
    move_code,
    note_on_code,
    recode_codings,
    remove_codebook,
    rename_code,
    slugify,
    split_code,
)
from workbench.codebook.export import (
    codebook_to_markdown,
    export_bytes,
    export_codebook,
    merged_note,
    write_docx,
)
from workbench.codebook.model import (
    CODE_KEYS,
    EDITABLE_FIELDS,
    Code,
    Codebook,
    check_tree,
    source_problems,
    validate_fields,
)
from workbench.codebook.views import (
    change_log,
    change_words,
    reason_words,
    code_tree,
    codebook_from_project,
    codebooks,
    codings_of,
)
from workbench.codebook.yaml_io import (
    CODEBOOK_DIR,
    DEFAULT_CODEBOOK,
    SHIPPED_CODEBOOKS,
    SOCIAL_QUALITY_CODEBOOK,
    codebook_to_dict,
    codebook_to_yaml,
    load_codebook,
    parse_codebook,
)

__all__ = [
    "CODEBOOK_DIR",
    "CODE_KEYS",
    "DEFAULT_CODEBOOK",
    "EDITABLE_FIELDS",
    "SHIPPED_CODEBOOKS",
    "SOCIAL_QUALITY_CODEBOOK",
    "Code",
    "Codebook",
    "add_code",
    "add_imported_code",
    "change_log",
    "change_words",
    "reason_words",
    "check_tree",
    "code_tree",
    "codebook_from_project",
    "codebook_to_dict",
    "codebook_to_markdown",
    "codebook_to_yaml",
    "codebooks",
    "codings_of",
    "edit_code",
    "ensure_imported_codebook",
    "export_bytes",
    "export_codebook",
    "merged_note",
    "install_codebook",
    "install_codebook_file",
    "install_codebook_text",
    "load_codebook",
    "merge_codes",
    "move_code",
    "note_on_code",
    "parse_codebook",
    "recode_codings",
    "remove_codebook",
    "rename_code",
    "slugify",
    "source_problems",
    "split_code",
    "validate_fields",
    "write_docx",
]
