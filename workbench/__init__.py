"""Workbench for coding Dutch interview transcripts about loneliness and social isolation.

The package is the product; the Streamlit app (``streamlit_app.py``) and the command line
(``workbench``) are thin layers over its modules. A library user starts at the front door::

    import workbench

    with workbench.open_project("projects/demo.db", user="onderzoeker") as project:
        project.require("read")

Errors meant for a person are :class:`WorkbenchError` subclasses carrying a message key;
``error.message("en")`` renders them.
"""

from workbench.errors import InputError, NotFound, PermissionDenied, WorkbenchError
from workbench.handle import Project, open_project

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "NotFound",
    "PermissionDenied",
    "Project",
    "WorkbenchError",
    "__version__",
    "open_project",
]
