"""`workbench --lang en export` and `codebook export` write the data-loss report next to the
file in English (fictional Dutch story, real pipeline, real project)."""

from __future__ import annotations

from test_cascade_true_on_real_data import code, story  # noqa: F401  (fixture)

from workbench.cli import main


def test_the_report_next_to_an_export_follows_lang(story, tmp_path):
    me, s = story("R42", ["In 2016 raakte ik mijn werk bij de kwekerij kwijt."])
    code(me, s[1], "verlies-werk", 2016)
    project = ["--project", str(tmp_path / "project.db")]
    for command, out in (
        (["export", *project, "--output"], tmp_path / "x.qdpx"),
        (["codebook", "export", *project, "--output"], tmp_path / "x.qdc"),
    ):
        assert main(["--lang", "en", *command, str(out)]) == 0
        report = out.with_name(out.name + ".dataloss.txt").read_text(encoding="utf-8")
        assert report.startswith(f"Export to {out.name} ({out.suffix[1:]})\nCarried over: ")
