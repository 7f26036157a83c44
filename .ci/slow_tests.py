"""Write tests/slow_tests.txt: the tests whose call took at least THRESHOLD seconds.

The fast set (`make fast`, part of `make check`) leaves out tests marked slow; tests listed
in tests/slow_tests.txt count as marked (tests/conftest.py), so speed can be kept up without
touching every test module. Regenerate after a run of the fast set with timings:

    .venv/bin/python -m pytest -q -p no:cacheprovider -n 0 -m "not slow and not browser" \\
        -o junit_duration_report=call --junitxml=/tmp/durations.xml
    .venv/bin/python .ci/slow_tests.py /tmp/durations.xml

(``-n 0``: in one process, as THRESHOLD was measured; `make fast` runs one per core.)
Tests already in the list keep their place (they are no longer in the run's timings).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LIST = REPO / "tests" / "slow_tests.txt"
# Measured on the 2-core development machine under the load of several test runs at once.
THRESHOLD = 1.0


def node_id(classname: str, name: str) -> str:
    """``tests/test_x.py::test_y[param]`` (or ``...::TestClass::test_y``) from junit names."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        path = REPO.joinpath(*parts[:cut]).with_suffix(".py")
        if path.is_file():
            return "::".join([path.relative_to(REPO).as_posix(), *parts[cut:], name])
    return f"{classname}::{name}"


def main(junit: str) -> int:
    slow = set(LIST.read_text(encoding="utf-8").split("\n")) if LIST.exists() else set()
    slow = {line for line in slow if line and not line.startswith("#")}
    for case in ET.parse(junit).getroot().iter("testcase"):
        if float(case.get("time", 0)) >= THRESHOLD:
            slow.add(node_id(case.get("classname", ""), case.get("name", "")))
    header = (
        "# Tests counted as marked slow (tests/conftest.py): call >= "
        f"{THRESHOLD} s. Written by .ci/slow_tests.py.\n"
    )
    LIST.write_text(header + "".join(f"{n}\n" for n in sorted(slow)), encoding="utf-8")
    print(f"{len(slow)} tests in {LIST.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
