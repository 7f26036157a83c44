"""Rewrite the mypy baseline in pyproject.toml: one override per module that has errors.

The baseline lists, per module, the error codes mypy finds today (with their count in a
comment), between the BEGIN/END mypy baseline markers. Run by `make typecheck-baseline`
after fixing errors (the list shrinks) or when accepting code that adds some (say why in the
commit). mypy runs with the baseline removed, so it sees every error.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
BEGIN = "# BEGIN mypy baseline (written by `make typecheck-baseline`)\n"
END = "# END mypy baseline\n"
ERROR = re.compile(r"^(workbench/\S+?)\.py:\d+: error: .*\[([a-z-]+)\]$")


def main() -> int:
    text = PYPROJECT.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN)
    _, tail = rest.split(END)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".toml", dir=PYPROJECT.parent, delete=False
    ) as config:
        config.write(head + tail)
    try:
        found = subprocess.run(
            [sys.executable, "-m", "mypy", "--config-file", config.name],
            capture_output=True,
            text=True,
            cwd=PYPROJECT.parent,
        ).stdout
    finally:
        Path(config.name).unlink()
    errors: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in found.splitlines():
        match = ERROR.match(line.strip())
        if match:
            module = match.group(1).replace("/", ".").removesuffix(".__init__")
            errors[module][match.group(2)] += 1
    blocks = []
    for module, codes in sorted(errors.items()):
        counts = ", ".join(f"{code} {n}" for code, n in sorted(codes.items()))
        names = ", ".join(f'"{code}"' for code in sorted(codes))
        blocks.append(
            f'[[tool.mypy.overrides]]\nmodule = "{module}"  # {counts}\n'
            f"disable_error_code = [{names}]\n"
        )
    PYPROJECT.write_text(head + BEGIN + "\n".join(blocks) + END + tail, encoding="utf-8")
    total = sum(sum(c.values()) for c in errors.values())
    print(f"mypy baseline: {total} errors in {len(errors)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
