"""Blog and Markdown front matter is stripped on import and reported, never coded as speech."""

from workbench.handle import Project
from workbench.ingest import import_files
from workbench.ingest.frontmatter import strip_front_matter

POST = """---
title: Alleen in de stad
date: 2024-03-02
tags: [eenzaamheid, verhuizing]
---
{% include header.html %}
Sinds de verhuizing ken ik niemand meer in de straat.

Soms praat ik een hele week met niemand. {% raw %}Dat went nooit.{% endraw %}
"""


def test_front_matter_and_template_tags_are_removed_and_listed():
    text, stripped = strip_front_matter(POST)
    assert text.startswith("Sinds de verhuizing")
    assert "title:" not in text and "{%" not in text
    assert "Soms praat ik een hele week met niemand. Dat went nooit." in text
    assert stripped[0].startswith("---\ntitle: Alleen in de stad")
    assert stripped[1:] == ["{% include header.html %}", "{% raw %}", "{% endraw %}"]


def test_a_transcript_between_rules_of_dashes_keeps_its_text():
    transcript = "---\nI: Hoe gaat het?\nR: Ik ben veel alleen.\n---\nR: Ja."
    assert strip_front_matter(transcript) == (transcript, [])
    plain = "---\nDit is gewoon tekst, geen kop.\n---\nMeer tekst."
    assert strip_front_matter(plain) == (plain, [])
    later = "Geen kop hier.\n---\ntitle: x\n---\n"
    assert strip_front_matter(later) == (later, [])


def test_import_of_a_blog_post_reports_what_was_stripped(db, nlp, tmp_path):
    path = tmp_path / "blog-2024.md"
    path.write_text(POST, encoding="utf-8")
    report = import_files(Project.for_user(db, "onderzoeker"), [path], nlp=nlp)
    assert report.ok, report
    [result] = report.results
    assert len(result.stripped) == 4 and "title: Alleen in de stad" in result.stripped[0]
    stored = db.execute("SELECT text FROM documents").fetchone()[0]
    assert stored.startswith("Sinds de verhuizing") and "date:" not in stored
    segments = [r[0] for r in db.execute("SELECT text FROM segments ORDER BY position")]
    assert not any("{%" in s or "tags:" in s for s in segments)
