"""``workbench app``: start the Streamlit workbench for an installed user.

``streamlit run streamlit_app.py`` needs the repository; an installed workbench carries the
same entry file inside the wheel (``workbench/data/streamlit_app.py``, see
:mod:`workbench.resources`). The server settings of ``.streamlit/config.toml`` are passed on
the command line, because an installed user starts the app from any folder: it listens on
localhost only and sends no usage statistics.

Streamlit always runs headless here and the browser is opened by us once the server answers:
Streamlit's own opening (its non-headless mode) first asks for an e-mail address in the
terminal on a machine where it never ran, and stops when nobody can answer (``make demo`` in a
script).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path

from workbench.cli.common import add_project_argument
from workbench.i18n import t
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
        "--server.headless=true",
    ]


def open_when_ready(url: str, server: subprocess.Popen, *, timeout: float = 120) -> bool:
    """Open ``url`` in the browser once the server answers its health check; False when it
    stopped or did not answer in ``timeout`` seconds, or there is no browser."""
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with local.open(f"{url}/_stcore/health", timeout=2):
                return webbrowser.open(url)
        except OSError:
            time.sleep(0.5)
    return False


def run_app(args: argparse.Namespace) -> int:
    if not Path(args.project).exists():  # demo.db: the demo; any other name: an empty project
        from workbench.demo import first_start

        print(t("app.first_start.busy", args.lang), flush=True)
        made = first_start(args.project)
        print(t(f"app.first_start.{made}", args.lang, path=args.project), flush=True)
    env = {
        **os.environ,
        "WORKBENCH_PROJECT": str(Path(args.project).resolve()),
        "WORKBENCH_LANG": args.lang,
    }
    server = subprocess.Popen(command(args), env=env)
    if not args.headless:
        url = f"http://localhost:{args.port}"
        threading.Thread(target=open_when_ready, args=(url, server), daemon=True).start()
    # Stopping `workbench app` stops the server: without this a SIGTERM (a service manager,
    # a test, `kill`) ended only this process and left Streamlit serving the project.
    signal.signal(signal.SIGTERM, lambda *_: server.terminate())
    try:
        return server.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches the server too; wait for it to finish
        server.wait()
        return 0
