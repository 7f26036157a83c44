"""The built wheel stands on its own: installed in a fresh virtual environment, run from a
folder outside the repository, it creates the demo project, imports a transcript and starts
the app (issue 15). The data it needs (codebooks, demo corpus, the app's entry file) must
come from inside the wheel, read with importlib.resources.

Dependencies are borrowed from the running environment (a ``.pth`` file), so the test takes
seconds instead of the minutes a full dependency install takes; CI's lowest-versions job
(``make lowest``) installs the package with its dependencies from scratch.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def run(*argv: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("wheel")
    built = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        out,
        REPO,
        cwd=out,
    )
    assert built.returncode == 0, built.stderr
    return next(out.glob("workbench-*.whl")), built.stdout + built.stderr


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    done = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        wheel[0],
        cwd=env,
    )
    assert done.returncode == 0, done.stderr
    site = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=env
    ).stdout.strip()
    # Not a site folder of the new environment, so the editable install's .pth in it is not
    # processed: `workbench` can only come from the wheel.
    (Path(site) / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    return env / "bin"


def test_building_the_wheel_gives_no_warnings(wheel):
    assert "warning" not in wheel[1].lower().replace("location", ""), wheel[1]


def test_the_wheel_carries_the_codebooks_corpora_and_app(wheel):
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    for path in (
        "codebooks/binnenkant-isolement.yaml",
        "codebooks/sociale-kwaliteit.yaml",
        "corpora/demo/manifest.csv",
        "corpora/demo/codings.jsonl",
        "corpora/eval/passages.jsonl",
    ):
        assert f"workbench/data/{path}" in names
        assert (REPO / path).is_file()  # kept at the top level of the repository
    assert "workbench/data/streamlit_app.py" in names
    assert "workbench/locale/core.toml" in names


def test_installed_workbench_creates_the_demo_and_imports_from_any_folder(installed, tmp_path):
    where = run(
        installed / "python", "-c", "import workbench; print(workbench.__file__)", cwd=tmp_path
    )
    assert str(installed.parent) in where.stdout, where.stdout + where.stderr
    demo = run(
        installed / "workbench", "--lang", "en", "demo", "--project", "demo.db", cwd=tmp_path
    )
    assert demo.returncode == 0, demo.stderr
    counts = run(installed / "workbench", "info", "--json", "--project", "demo.db", cwd=tmp_path)
    assert '"documents": 10' in counts.stdout, counts.stdout + counts.stderr
    (tmp_path / "interview.txt").write_text(
        "Interviewer: Hoe gaat het met je?\nRespondent: Sinds de verhuizing ben ik veel "
        "alleen. Ik schaam me daar een beetje voor.\n",
        encoding="utf-8",
    )
    imported = run(
        installed / "workbench", "import", "interview.txt", "--project", "nieuw.db", cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    book = run(installed / "workbench", "codebook", "list", "--project", "demo.db", cwd=tmp_path)
    assert book.returncode == 0 and "verlies" in book.stdout, book.stdout + book.stderr


def run_sql(project: Path, query: str):
    from workbench.store import open_project

    db = open_project(project)
    try:
        return db.execute(query).fetchone()[0]
    finally:
        db.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_workbench_app_opens_the_browser_without_asking_anything_on_a_fresh_machine(
    installed, tmp_path
):
    # A home where Streamlit never ran: its own browser opening asked for an e-mail address
    # there and stopped when nobody answered, so `make demo` never served anything.
    home = tmp_path / "home"
    home.mkdir()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o755)
    port = free_port()
    server = subprocess.Popen(
        [str(installed / "workbench"), "app", "--port", str(port), "--project", "app.db"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "HOME": str(home), "BROWSER": str(browser)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not (opened.exists() and opened.read_text(encoding="utf-8").strip()):
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "no browser was opened within 90 s"
            time.sleep(0.5)
        assert opened.read_text(encoding="utf-8").strip() == f"http://localhost:{port}"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Email" not in output, output


def test_installed_workbench_app_serves_on_localhost(installed, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [
            str(installed / "workbench"),
            "app",
            "--headless",
            "--port",
            str(port),
            "--project",
            str(tmp_path / "app.db"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://localhost:{port}/_stcore/health", timeout=2
                ) as answer:
                    assert answer.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                time.sleep(1)
        else:
            pytest.fail("the app did not answer on localhost within 90 s")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    # A new name is the researcher's own project: created empty, not filled with the demo.
    assert "Nieuw project" in output, output
    assert run_sql(tmp_path / "app.db", "SELECT count(*) FROM documents") == 0
    # stopping `workbench app` stops the Streamlit server it started (it used to keep serving)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2)
        except OSError:
            break
        time.sleep(1)
    else:
        pytest.fail("the app still answers after `workbench app` was stopped")
