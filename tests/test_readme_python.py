"""The README's "From Python" example runs as printed, on the demo project."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

from built_once import copy_project

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_readme_example_runs_on_the_demo_project(demo_template, tmp_path, monkeypatch, capsys):
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "README.md has no python example"
    (tmp_path / "projects").mkdir()
    copy_project(demo_template, tmp_path / "projects" / "demo.db")
    monkeypatch.chdir(tmp_path)
    for number, block in enumerate(blocks):
        script = tmp_path / f"readme_{number}.py"
        script.write_text(block, encoding="utf-8")
        runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert re.search(r"^\d+ fragments, the first: \S", out, flags=re.M)
    assert "schaamte" in out and "R01" in out
