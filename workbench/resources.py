"""Where the shipped data lives: the codebooks and the fictional corpora.

``codebooks/`` and ``corpora/`` stay at the top level of the repository (people edit and
review them there), and the build copies them into the wheel as ``workbench/data/...``
(``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml). An installed
workbench reads them with :mod:`importlib.resources`; a source checkout (also an editable
install, which does not copy anything) reads the top-level folders. Nothing else in the
package may reach outside it for data.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def shipped(name: str) -> Path:
    """The folder or file ``name`` (``"codebooks"``, ``"corpora"``, ``"streamlit_app.py"``)
    shipped with the workbench.

    A wheel is installed on disk, so the resource is a real folder and a :class:`Path`
    (readers such as python-docx and SQLite want paths, not :class:`Traversable`).
    """
    packaged = files("workbench").joinpath("data", name)
    if packaged.is_dir() or packaged.is_file():
        return Path(str(packaged))
    return CHECKOUT / name
