"""``workbench app``: start the Streamlit workbench for an installed user.

``streamlit run streamlit_app.py`` needs the repository; an installed workbench carries the
same entry file inside the wheel (``workbench/data/streamlit_app.py``, see
:mod:`workbench.resources`). The server settings of ``.streamlit/config.toml`` are passed on
the command line, because an installed user starts the app from any folder: it listens on
localhost only and sends no usage statistics.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from workbench.cli.common import add_project_argument
from workbench.resources import shipped

# The privacy settings of .streamlit/config.toml, which is read only from the current folder.
SERVER_OPTIONS = (
    "--server.address=localhost",
    "--browser.serverAddress=localhost",
    "--browser.gatherUsageStats=false",
    "--server.maxUploadSize=50",
    "--client.toolbarMode=minimal",
    "--theme.base=light",
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("app", help="start the app on this computer (http://localhost:PORT)")
    add_project_argument(parser)
    parser.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    parser.add_argument("--headless", action="store_true", help="do not open a browser window")
    parser.set_defaults(func=run_app)


def entry_file() -> Path:
    """``streamlit_app.py``: inside the installed package, or at the top of a checkout."""
    return shipped("streamlit_app.py")


def command(args: argparse.Namespace) -> list[str]:
    """The ``streamlit run`` command line for ``args``."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(entry_file()),
        *SERVER_OPTIONS,
        f"--server.port={args.port}",
        f"--server.headless={str(args.headless).lower()}",
    ]


def run_app(args: argparse.Namespace) -> int:
    env = {
        **os.environ,
        "WORKBENCH_PROJECT": str(Path(args.project).resolve()),
        "WORKBENCH_LANG": args.lang,
    }
    server = subprocess.Popen(command(args), env=env)
    # Stopping `workbench app` stops the server: without this a SIGTERM (a service manager,
    # a test, `kill`) ended only this process and left Streamlit serving the project.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches the server too; wait for it to finish
        server.wait()
        return 0
