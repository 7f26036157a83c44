"""Speed of the pattern overviews on a SYNTHETIC project: 1,000 interviews, 100,000 codings.

Target (issue 6): framework matrix, co-occurrence and the cascade overview each under 1 s.
Also timed, without a target (issue 12): planning the life-event proposals for every
respondent (``life_events.plan``, what the Patronen cascade tab and the CLI show by default
before anything is stored) and the cascade overview with those proposals.

    .venv/bin/python benchmarks/bench_patterns.py [--interviews 1000] [--codings 100000]
                                                  [--keep PATH] [--repeat 3]

All text is generated ("Synthetisch fragment ..."), nothing comes from real interviews.
Rows are inserted directly with executemany (the benchmark measures reading, not writing);
a third of the codings are free spans over two segments (segment_id NULL), a tenth are
machine suggestions, and some loss codings carry a life year, as in a real project.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench import life_events, patterns  # noqa: E402
from workbench.handle import Project  # noqa: E402
from workbench.store import now, open_project, transaction  # noqa: E402

CODES = [
    ("verlies", None),
    ("verlies-dierbare", "verlies"),
    ("verlies-woning", "verlies"),
    ("verlies-werk", "verlies"),
    ("verlies-gezondheid", "verlies"),
    ("verlies-relatie", "verlies"),
    ("verlies-netwerk", "verlies"),
    ("verliescascade", "verlies"),
    ("schaamte", None),
    ("energiebalans", None),
    ("zingeving", None),
    ("zingeving-mensen", "zingeving"),
    ("zingeving-hoop", "zingeving"),
    ("zingeving-betekenis", "zingeving"),
    ("isolement", None),
    ("bestaansonzekerheid", None),
    ("machteloosheid", None),
    ("neerwaartse-spiraal", None),
    ("herstel", None),
    ("omgevingsfactoren", None),
    ("drempels", None),
    ("lichte-contacten", None),
    ("brugfiguren", None),
]
SEGMENTS_PER_TURN = {"I": 1, "R": 5}
TURNS = 100  # 50 interviewer + 50 respondent turns = 300 segments per interview
USER = "anna"  # a researcher of the synthetic project: the overviews check who reads them


def build(path: Path, interviews: int, codings: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = open_project(path)
    stamp = now()
    conn = db.conn
    with transaction(db):
        for name in ("anna", "bram"):
            conn.execute(
                "INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?, ?, ?)",
                [name, "onderzoeker", stamp],
            )
        book = conn.execute(
            "INSERT INTO codebooks (name, created_at) VALUES (?, ?)", ["synthetisch", stamp]
        ).lastrowid
        ids: dict[str, int] = {}
        for position, (slug, parent) in enumerate(CODES):
            ids[slug] = conn.execute(
                "INSERT INTO codes (codebook_id, slug, name, parent_id, position) "
                "VALUES (?, ?, ?, ?, ?)",
                [book, slug, slug, ids.get(parent), position],
            ).lastrowid
        for position, name in enumerate(("geslacht", "leeftijdsgroep", "wijk")):
            conn.execute(
                "INSERT INTO attributes (name, type, position) VALUES (?, 'text', ?)",
                [name, position],
            )
        values = {
            "geslacht": ["vrouw", "man"],
            "leeftijdsgroep": ["55-65", "65-75", "75+"],
            "wijk": ["Noord", "Zuid", "Oost", "West"],
        }
        per_doc = codings // interviews
        code_ids = list(ids.values())
        loss_ids = [ids[s] for s, p in CODES if p == "verlies"]
        for n in range(interviews):
            rid = conn.execute(
                "INSERT INTO respondents (code, created_at) VALUES (?, ?)", [f"S{n:04d}", stamp]
            ).lastrowid
            conn.executemany(
                "INSERT INTO attribute_values (respondent_id, attribute, value) VALUES (?, ?, ?)",
                [(rid, k, rng.choice(v)) for k, v in values.items()],
            )
            lines, segs, turns, offset, pos = [], [], [], 0, 0
            for t in range(TURNS):
                label = "I" if t % 2 == 0 else "R"
                parts = [
                    f"Synthetisch fragment {pos + i} van {n}."
                    for i in range(SEGMENTS_PER_TURN[label])
                ]
                start = offset + 3
                turns.append((t, label, start, start + len(" ".join(parts))))
                cursor = start
                for part in parts:
                    segs.append((t, pos, cursor, cursor + len(part), part))
                    cursor += len(part) + 1
                    pos += 1
                lines.append(f"{label}: " + " ".join(parts))
                offset += len(lines[-1]) + 1
            text = "\n".join(lines)
            doc = conn.execute(
                "INSERT INTO documents (name, respondent_id, source_name, source_format, "
                "source_sha256, text, imported_at, imported_by) VALUES (?, ?, ?, 'txt', ?, ?, ?, ?)",
                [
                    f"synthetisch-{n:04d}",
                    rid,
                    f"synthetisch-{n:04d}.txt",
                    hashlib.sha256(text.encode()).hexdigest(),
                    text,
                    stamp,
                    "onderzoeker",
                ],
            ).lastrowid
            speaker = {
                label: conn.execute(
                    "INSERT INTO speakers (document_id, label, role) VALUES (?, ?, ?)",
                    [doc, label, role],
                ).lastrowid
                for label, role in (("I", "interviewer"), ("R", "respondent"))
            }
            turn_ids = {}
            for t, label, start, end in turns:
                turn_ids[t] = conn.execute(
                    "INSERT INTO turns (document_id, speaker_id, position, start_char, end_char) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [doc, speaker[label], t, start, end],
                ).lastrowid
            first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM segments").fetchone()[0]
            conn.executemany(
                "INSERT INTO segments (id, document_id, turn_id, position, start_char, end_char, text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (first + i, doc, turn_ids[t], p, s, e, txt)
                    for i, (t, p, s, e, txt) in enumerate(segs)
                ],
            )
            respondent_segs = [(first + i, s) for i, s in enumerate(segs) if s[0] % 2 == 1]
            rows = set()
            while len(rows) < per_doc:
                k = rng.randrange(len(respondent_segs) - 1)
                seg_id, (_, _, s, e, _) = respondent_segs[k]
                code = rng.choice(loss_ids) if rng.random() < 0.15 else rng.choice(code_ids)
                coder = "anna" if rng.random() < 0.6 else "bram"
                if rng.random() < 0.33:  # free span over two segments
                    seg_id, e = None, respondent_segs[k + 1][1][3]
                rows.add((doc, seg_id, s, e, code, coder))
            conn.executemany(
                "INSERT INTO codings (document_id, segment_id, start_char, end_char, text, code_id, "
                "coder, origin, status, life_year, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, substr(?, ?, ?), ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        d,
                        sid,
                        s,
                        e,
                        text,
                        s + 1,
                        e - s,
                        c,
                        coder,
                        "machine" if rng.random() < 0.1 else "human",
                        "suggested" if rng.random() < 0.1 else "accepted",
                        rng.randrange(1950, 2024) if c in loss_ids and rng.random() < 0.3 else None,
                        stamp,
                        stamp,
                    )
                    for d, sid, s, e, c, coder in rows
                ],
            )
    db.execute("ANALYZE")
    db.close()


def timed(label: str, repeat: int, action) -> float:
    """Median wall time; CPU time is printed too (on a busy machine it is the fairer figure)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    mark = "ok" if min(wall, cpu) < 1.0 else "SLOW"
    print(f"  {label:<34} wall {wall:6.3f} s   cpu {cpu:6.3f} s   [{mark}]")
    return min(wall, cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the project at this path")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.keep or Path(folder.name) / "synthetic.db"
    if not path.exists():
        start = time.perf_counter()
        build(path, args.interviews, args.codings)
        print(f"built synthetic project {path} in {time.perf_counter() - start:.1f} s")
    db = open_project(path)
    counts = {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("documents", "segments", "codings")
    }
    print(
        f"SYNTHETIC project: {counts['documents']} interviews, {counts['segments']} segments, "
        f"{counts['codings']} codings"
    )
    sel = patterns.Selection()
    me = Project.for_user(db, USER)
    results = {
        "framework matrix": timed(
            "framework matrix", args.repeat, lambda: patterns.framework_matrix(me, sel)
        ),
        "co-occurrence (segment)": timed(
            "co-occurrence (segment)",
            args.repeat,
            lambda: patterns.cooccurrence(me, sel),
        ),
        "co-occurrence (turn)": timed(
            "co-occurrence (turn)",
            args.repeat,
            lambda: patterns.cooccurrence(me, sel, scope="turn"),
        ),
        "co-occurrence (window 3)": timed(
            "co-occurrence (window 3)",
            args.repeat,
            lambda: patterns.cooccurrence(me, sel, scope="window", window=3),
        ),
        "cascade overview": timed(
            "cascade overview", args.repeat, lambda: patterns.cascade_overview(me, sel)
        ),
    }
    timed("(fragments query alone)", args.repeat, lambda: patterns.fragments(me, sel))
    timed(
        "(matrix, filter wijk=Noord)",
        args.repeat,
        lambda: patterns.framework_matrix(me, patterns.Selection.build(filters=["wijk=Noord"])),
    )
    timed(
        "(quotes isolement AND schaamte)",
        args.repeat,
        lambda: patterns.quotes(me, ["isolement"], sel, all_of=["schaamte"], scope="turn"),
    )
    timed("(life-event planning, no target)", 1, lambda: life_events.plan(me))
    timed(
        "(cascades with proposals, no tgt)",
        1,
        lambda: patterns.cascade_overview(me, sel, proposals=True),
    )
    db.close()
    print(
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall time "
        "includes waiting for other processes, cpu time does not)"
    )
    slow = [k for k, v in results.items() if v >= 1.0]
    print("all targets met (< 1 s)" if not slow else f"over 1 s: {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
