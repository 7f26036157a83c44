"""Print pip constraints that pin every dependency to the lowest version pyproject.toml allows.

`make lowest` installs the package with these into a separate virtual environment and runs
the fast tests there, which proves the lower bounds (issue 15). Generated from the project's
own dependency list so the two cannot drift apart.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
LOWER = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)")


def lowest(requirements: list[str]) -> list[str]:
    """``name==lower`` for every requirement with a ``>=`` bound."""
    pins = []
    for requirement in requirements:
        found = LOWER.match(requirement.replace(" ", ""))
        if found:
            pins.append(f"{found.group(1)}=={found.group(2)}")
    return pins


if __name__ == "__main__":
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    sys.stdout.write("".join(f"{pin}\n" for pin in lowest(project["dependencies"])))
