"""Patterns across respondents: framework matrix, frequencies, co-occurrence, quotes, loss
cascades and respondent profiles. Pure functions over a project that return DataFrames;
the CLI (``workbench patterns``) and the Patronen page are thin layers over them.
"""

from workbench.patterns.cascades import (
    FOLLOWERS,
    LOSS_ROOT,
    NOT_EVENTS,
    Cascades,
    cascade_overview,
    descendants,
    life_order,
    loss_events,
)
from workbench.patterns.cooccurrence import (
    SCOPES,
    cooccurrence,
    cooccurrence_dot,
    cooccurrence_fragments,
    cooccurrence_pairs,
    heatmap_data,
    meeting_pairs,
)
from workbench.patterns.export import (
    CASCADE_SHEETS,
    FORMATS,
    about_rows,
    cascade_rows,
    cascade_tables,
    check_pseudonymised,
    export_bytes,
    export_file_name,
    export_tables,
    format_of,
    read_csv_export,
    table_bytes,
)
from workbench.patterns.fragments import (
    Selection,
    attribute_names,
    attribute_values,
    codes_table,
    coders,
    data_version,
    fragments,
    parse_filters,
    respondent_filter,
    respondents,
    speakers_used,
)
from workbench.patterns.life_line import LifeLines, life_lines
from workbench.patterns.matrix import (
    code_frequencies,
    framework_cells,
    framework_matrix,
    matrix_quotes,
)
from workbench.patterns.places import place_of
from workbench.patterns.profile import Profile, respondent_profile
from workbench.patterns.quotes import quotes

__all__ = [
    "CASCADE_SHEETS",
    "cascade_rows",
    "cascade_tables",
    "FOLLOWERS",
    "FORMATS",
    "LOSS_ROOT",
    "NOT_EVENTS",
    "SCOPES",
    "Cascades",
    "LifeLines",
    "Profile",
    "Selection",
    "about_rows",
    "attribute_names",
    "attribute_values",
    "cascade_overview",
    "code_frequencies",
    "coders",
    "codes_table",
    "cooccurrence",
    "cooccurrence_dot",
    "cooccurrence_fragments",
    "cooccurrence_pairs",
    "data_version",
    "descendants",
    "check_pseudonymised",
    "export_bytes",
    "export_file_name",
    "export_tables",
    "format_of",
    "fragments",
    "framework_cells",
    "framework_matrix",
    "heatmap_data",
    "life_lines",
    "life_order",
    "loss_events",
    "matrix_quotes",
    "meeting_pairs",
    "parse_filters",
    "place_of",
    "quotes",
    "read_csv_export",
    "respondent_profile",
    "respondent_filter",
    "respondents",
    "speakers_used",
    "table_bytes",
]
