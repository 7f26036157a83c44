"""Speed of agreement, and what the scope does to the figures.

1. Speed: 10 coders x 5,000 units x 50 codes, alpha per code + overall + 1,000 bootstrap
   samples (issue 7 target: under 5 s), drawing units one by one and drawing clusters of 5
   units (as when one coding covers several sentences; issue 13).
2. Scope (issue 13), with ``--real``: the passages of ../shared/dev-real (read at run time,
   never copied), each passage one document, coded by two coders (pass a and the independent
   coder c, who both read every passage of part 1). Printed: the figures when only passages
   where each coder applied some code are compared (the old default) and when both coders
   marked every passage done (the new scope), with the scope line the CLI prints.

Run: .venv/bin/python benchmarks/bench_agreement.py [--real]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench import consistency, done_marks  # noqa: E402
from workbench.agreement import presence_agreement, shown  # noqa: E402
from workbench.codings import add_coding  # noqa: E402
from workbench.handle import Project  # noqa: E402
from workbench.store import now, open_project, transaction  # noqa: E402

CODERS, UNITS, CODES, SAMPLES = 10, 5_000, 50, 1_000
TARGET_S = 5.0
DEV_REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "dev-real"


def fictional_presence(seed: int = 0) -> np.ndarray:
    """Synthetic presence/absence judgements: a true code rate per code plus coder noise."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0.02, 0.3, size=(CODES, 1, 1))
    truth = rng.random((CODES, UNITS, 1)) < rates
    noise = rng.random((CODES, UNITS, CODERS)) < 0.08
    presence = (truth ^ noise).astype(float)
    presence[:, rng.random(UNITS) < 0.05, 3] = np.nan  # one coder skipped some units
    return presence


def speed() -> None:
    presence = fictional_presence()
    for label, clusters in (("units", None), ("clusters of 5 units", np.arange(UNITS) // 5)):
        start = time.perf_counter()
        result = presence_agreement(presence, n_samples=SAMPLES, seed=0, clusters=clusters)
        elapsed = time.perf_counter() - start
        ok = "OK" if elapsed < TARGET_S else "TOO SLOW"
        lo, hi = result.overall["alpha_ci"]
        print(
            f"agreement: {CODERS} coders x {UNITS:,} units x {CODES} codes, alpha per code + "
            f"overall + {SAMPLES:,} bootstrap samples of {label}: {elapsed:.2f} s "
            f"(target < {TARGET_S:.0f} s) {ok}"
        )
        print(
            f"  overall alpha {result.overall['alpha']:.4f}, 95% CI [{lo:.4f}, {hi:.4f}] "
            f"from {result.overall['n_resampled']:,} draws"
        )


def _read(name: str) -> dict[str, list[str]]:
    with open(DEV_REAL / name, encoding="utf-8") as f:
        return {r["id"]: r["codes"] for r in map(json.loads, f)}


def real(workdir: Path) -> None:
    """The two-coder passages as a project: old default scope against the done marks."""
    if not (DEV_REAL / "coder_c.jsonl").exists():
        print(f"--real: {DEV_REAL} is not there; skipped")
        return
    first, second = _read("coder_a.jsonl"), _read("coder_c.jsonl")
    with open(DEV_REAL / "passages.jsonl", encoding="utf-8") as f:
        texts = {r["id"]: r["text"] for r in map(json.loads, f) if r["id"] in second}
    codes = sorted({c for cs in [*first.values(), *second.values()] for c in cs})
    db = open_project(workdir / "dev-real.db")
    stamp = now()
    with transaction(db):
        for name in ("coder_a", "coder_c"):
            db["users"].insert({"name": name, "role": "onderzoeker", "created_at": stamp})
        book = db["codebooks"].insert({"name": "dev-real", "created_at": stamp}).last_pk
        for position, slug in enumerate(codes):
            db["codes"].insert(
                {"codebook_id": book, "slug": slug, "name": slug, "position": position}
            )
        ids = {}
        for pid, text in texts.items():
            ids[pid] = (
                db["documents"]
                .insert(
                    {
                        "name": pid,
                        "source_name": f"{pid}.txt",
                        "source_format": "txt",
                        "source_sha256": pid,
                        "text": text,
                        "imported_at": stamp,
                        "imported_by": "onderzoeker",
                    }
                )
                .last_pk
            )
    for coder, judged in (("coder_a", first), ("coder_c", second)):
        for pid, doc in ids.items():
            for slug in judged.get(pid, []):
                add_coding(
                    Project.for_user(db, coder),
                    code=slug,
                    document_id=doc,
                    start_char=0,
                    end_char=len(texts[pid]),
                )

    def show(title: str, **kwargs) -> None:
        as_a = Project.for_user(db, "coder_a")
        report = consistency.agreement_report(as_a, unit="document", **kwargs)
        print(title)
        for line in consistency.scope_lines(report, "en"):
            print("  " + line)
        for name, f in [*report["codes"].items(), ("overall", report["overall"])]:
            lo, hi = f["alpha_ci"]
            print(
                f"  {name:<20} alpha {shown(f['alpha']):>6}  [{shown(lo)}, {shown(hi)}]  "
                f"{f['verdict']}"
            )

    print(f"\n{len(ids)} passages of dev-real part 1, coder_a (pass a) against coder_c")
    show("Old default: only passages where each coder applied some code")
    done_marks.mark_done(Project.for_user(db, "coder_a"), None, coder="coder_a")
    done_marks.mark_done(Project.for_user(db, "coder_c"), None, coder="coder_c")
    show("Both coders marked every passage done")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--real",
        action="store_true",
        help="also the scope figures on ../shared/dev-real (read at run time)",
    )
    args = parser.parse_args()
    speed()
    if args.real:
        with tempfile.TemporaryDirectory() as tmp:
            real(Path(tmp))


if __name__ == "__main__":
    main()
