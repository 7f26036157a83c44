"""pyproject.toml's bounds, constraints.txt's pins and `make lowest`'s pins agree (issue 15).

`make lowest` proves the lower bounds by installing them; constraints.txt holds the versions
the README's figures were measured with. A bound raised above a pin (or a pin left below a
bound) would make the documented reproduction command fail to resolve.
"""

from __future__ import annotations

import importlib.util
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO


def requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(line) for line in listed]


def pins() -> dict[str, Version]:
    found = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            found[canonicalize_name(name)] = Version(version)
    return found


def test_every_dependency_is_pinned_in_constraints_within_its_bounds():
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, outside {requirement}"
        )


def test_make_lowest_pins_each_runtime_dependency_at_its_lower_bound():
    spec = importlib.util.spec_from_file_location("lowest", REPO / ".ci" / "lowest.py")
    assert spec and spec.loader
    lowest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lowest)
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = dict(pin.split("==") for pin in lowest.lowest(project["dependencies"]))
    # Every runtime dependency has a lower bound, so make lowest tests each one ...
    assert len(pinned) == len(project["dependencies"])
    # ... and installs a version its bounds allow.
    for line in project["dependencies"]:
        requirement = Requirement(line)
        version = Version(pinned[requirement.name])
        assert requirement.specifier.contains(version, prereleases=True), requirement
