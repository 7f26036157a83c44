"""Input built to exhaust the machine is refused at once, with bounded memory (issue 19.4)."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from workbench.codebook.yaml_io import load_codebook, parse_codebook
from workbench.errors import InputError
from workbench.respondents import read_table


def alias_bomb() -> str:
    """Nine levels of nine aliases each: 9**9 (387 million) strings once expanded."""
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\ncodes: *i\n"


def test_a_yaml_alias_bomb_codebook_is_refused_at_once(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_text(alias_bomb(), encoding="utf-8")
    assert path.stat().st_size < 600
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        load_codebook(path)
    assert time.perf_counter() - started < 5  # it used to run at 100 % CPU without end
    assert err.value.key == "codebook.yaml_alias"
    assert err.value.params["line"] == 1


def test_a_single_anchor_is_refused_too():
    text = "name: x\nversion: '1'\ncodes:\n  - &c {id: a, label: A}\n  - *c\n"
    with pytest.raises(InputError) as err:
        parse_codebook(text, file="anker.yaml")
    assert err.value.key == "codebook.yaml_alias" and err.value.params["line"] == 4


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk (nothing to read in it)."""
    with path.open("wb") as f:
        f.truncate(size)
    return path


@pytest.mark.parametrize(
    "name, read",
    [
        ("respondenten.csv", read_table),
        ("respondenten.xlsx", read_table),
        ("codeboek.yaml", load_codebook),
    ],
)
def test_a_two_gigabyte_file_is_refused_by_its_size_before_reading(tmp_path, name, read):
    path = sparse(tmp_path / name, 2 * 1024**3)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as err:
            read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.value.key == "files.too_large"
    assert name in err.value.message("nl") and "2048.0" in err.value.message("en")
    assert peak < 5 * 1024**2  # nothing of the file was read
