"""Privacy and reliability: pseudonyms with a separate key, workshop fragments, backups.

- :mod:`~workbench.privacy.detect`: candidate names (NER or Dutch heuristics).
- :mod:`~workbench.privacy.key`: the key file next to the project (originals live only there).
- :mod:`~workbench.privacy.pseudonyms`: review, apply, and pseudonymised text with offsets.
- :mod:`~workbench.privacy.workshop`: fragments assigned to co-researchers, group choices.
- :mod:`~workbench.privacy.backup`: online backup and validated restore.
"""

from workbench.privacy.pseudonyms import (
    PseudonymisedText,
    add_known_name,
    apply_pseudonyms,
    candidates,
    decide,
    detect,
    documents_not_checked,
    key_file,
    pseudonymise_free_text,
    pseudonymise_range,
    pseudonymise_table,
    pseudonymised_document,
    read_key,
    require_pseudonymised,
)

__all__ = [
    "PseudonymisedText",
    "add_known_name",
    "apply_pseudonyms",
    "candidates",
    "decide",
    "detect",
    "documents_not_checked",
    "key_file",
    "pseudonymise_free_text",
    "pseudonymise_range",
    "pseudonymise_table",
    "pseudonymised_document",
    "read_key",
    "require_pseudonymised",
]
