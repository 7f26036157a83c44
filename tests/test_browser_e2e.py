"""End to end in a real browser: Debian's chromium driven by Playwright against the real app.

Start the app on a temporary project, import a transcript on the Project page (its drop zone
in Dutch), accept a suggestion in the review queue, and see the coding in the transcript view;
code a hand-selected span, use the margin view and jump from a memo's quote and from a Patronen
quote back into the interview. Last, the resident workshop: the researcher makes a
co-onderzoeker account, assigns a fragment and sets passwords; the co-onderzoeker logs in,
picks a card for the pseudonymised fragment, reaches the end screen and logs out. The tests run
in this order on one app and one project. Screenshots of every page at 1,280 px go to
``screenshots/`` at the repository root (CI prints the folder); every page fails the test when a
label is cut off at that width.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from workbench.projects import create_project

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
INTERVIEW = """Fictief interview voor een test.

I: Hoe gaat het nu met u?
R: Sinds mijn man is overleden voel ik me vaak alleen. Ik schaam me ervoor dat ik niemand meer zie.
I: Wat doet u overdag?
R: Ik wandel met de hond in het park. Dat geeft me rust.
"""

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(project: Path):
    """Run the app on ``project`` on a free local port: yields its address, then stops it."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py")]
        + ["--server.port", str(port), "--server.address", "127.0.0.1"]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO,
        env={**os.environ, "WORKBENCH_PROJECT": str(project), "WORKBENCH_LANG": "nl"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail(f"the app on {project.name} did not start within 60 s")
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module")
def project_file(tmp_path_factory) -> Path:
    """The project the app runs on (the tests read what the app stored)."""
    project = tmp_path_factory.mktemp("e2e") / "e2e.db"
    create_project(project).close()
    return project


@pytest.fixture(scope="module")
def app_url(project_file):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: `make browser` installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (make browser)")
    yield from _serve(project_file)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # CI machines are slow; the same patience as actions

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()


def _open(page, app_url: str, name: str) -> None:
    """Open a page by its url path (the first page, Project, is the app's root)."""
    page.goto(f"{app_url}/{'' if name == 'project' else name}")
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_selector("h1")
    page.wait_for_load_state("networkidle")
    time.sleep(1)


def test_import_accept_suggestion_and_see_it_in_the_transcript(page, app_url, tmp_path):
    from playwright.sync_api import expect

    transcript = tmp_path / "R09-test.txt"
    transcript.write_text(INTERVIEW, encoding="utf-8")

    _open(page, app_url, "project")
    # the drop zone speaks Dutch: Streamlit's own "Upload" and "50MB per file" are replaced
    zone = page.locator("[data-testid='stFileUploaderDropzone']").first
    assert zone.locator("button p").evaluate(AFTER) == '"Kies bestanden"'
    assert (
        zone.locator("[data-testid='stFileUploaderDropzoneInstructions'] span")
        .evaluate(AFTER)
        .startswith('"Hoogstens 50 MB per bestand · TXT, MD, DOCX')
    )
    page.locator("input[type='file']").first.set_input_files(str(transcript))
    page.get_by_role("button", name="Importeer").click()
    # the file name shows in the drop zone at once; wait for the report, not for that
    page.get_by_text("R09-test.txt is ingelezen", exact=False).first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "project-import.png"), full_page=True)

    _open(page, app_url, "suggesties")
    page.get_by_role("button", name="Maak suggesties voor dit interview").click()
    page.get_by_text("nieuwe suggesties klaargezet", exact=False).first.wait_for()
    proposal = page.get_by_text("Voorstel:", exact=False).first
    proposal.wait_for()
    code_name = proposal.locator("strong").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "suggesties.png"), full_page=True)
    counter = page.get_by_text(re.compile(r"Nog \d+ suggesties te bekijken"))
    before = counter.first.inner_text()
    page.locator("h1").first.click()  # focus the page, not a text field
    page.keyboard.press("a")  # the accept shortcut shown on the "Klopt" button
    # Leave the page only once the decision is stored: the open count goes down.
    expect(counter.first).not_to_have_text(before)

    _open(page, app_url, "coderen")
    chip = page.locator(".wb-chip:not(.suggested)", has_text=code_name).first
    chip.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "coderen.png"), full_page=True)
    assert chip.is_visible()


def test_a_decision_on_the_card_redraws_what_it_changes_below_it(page, app_url):
    """A decision reruns only the card's fragment (fast), so everything a decision changes
    is drawn in that fragment too: "Je laatste keuzes" (and the counts per code and the
    evaluation below it) stayed as they were until the page was opened again."""
    from playwright.sync_api import expect

    _open(page, app_url, "suggesties")
    page.get_by_text("Voorstel:", exact=False).first.wait_for()
    page.get_by_text("Je laatste keuzes").first.click()
    back = page.get_by_role("button", name="Terug naar de lijst")
    before = back.count()
    page.locator(".st-key-suggest_reject button").click()
    expect(back).to_have_count(before + 1)  # without opening the page again
    back.first.click()  # the newest first: back to the queue, as the next tests expect
    expect(back).to_have_count(before)


AFTER = "el => getComputedStyle(el, '::after').content"

# Text that the page cuts off with an ellipsis (labels, buttons, toggles, tabs); a chosen
# value inside a select box may be shortened, the label above it may not.
CUT_OFF = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.offsetParent !== null && el.innerText && el.innerText.trim()
          && getComputedStyle(el).textOverflow === 'ellipsis'
          && el.scrollWidth > el.clientWidth + 1
          && !el.closest("[data-baseweb='select'], [data-testid='stTextInput'], input"))
  .map(el => el.innerText)"""


@pytest.mark.parametrize(
    "name",
    [
        "project",
        "coderen",
        "suggesties",
        "zoeken",
        "codeboek",
        "memos",
        "patronen",
        "consistentie",
        "export",
        "workshop",
        "privacy",
    ],
)
def test_every_page_renders_without_error_or_cut_off_labels(page, app_url, name):
    _open(page, app_url, name)
    assert page.get_by_text("Page not found").count() == 0
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.evaluate(CUT_OFF) == [], "labels cut off at 1,280 px"


def test_click_a_sentence_and_apply_a_code(page, app_url):
    from playwright.sync_api import expect

    _open(page, app_url, "coderen")
    page.locator(".wb-seg", has_text="Ik wandel met de hond").first.click()
    page.get_by_text("Gekozen tekst").first.wait_for()
    # Find the code picker by its label: while the page is still rerunning after the click,
    # "the last combobox" can be the document picker, and the code would never be chosen.
    picker = page.locator("[data-testid='stSelectbox']", has_text="Code (typ om te zoeken)")
    picker.get_by_role("combobox").click()
    page.keyboard.type("Kracht uit huisdieren")
    page.get_by_role("option", name="Kracht uit huisdieren", exact=False).first.click()
    expect(picker.get_by_role("combobox")).to_have_value(re.compile("^Kracht uit huisdieren"))
    page.get_by_role("button", name="Codeer").click()
    chip = page.locator(".wb-chip:not(.suggested)", has_text="Kracht uit huisdieren").first
    chip.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "coderen-applied.png"), full_page=True)
    assert chip.is_visible()


SELECT_WORDS = """(el, words) => {
  // select ``words`` inside this sentence as a person would with the mouse, then let go
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode()) && !node.data.includes(words)) {}
  const range = document.createRange();
  range.setStart(node, node.data.indexOf(words));
  range.setEnd(node, node.data.indexOf(words) + words.length);
  const root = el.getRootNode();
  const selection = (root.getSelection ? root : window).getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  el.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
}"""


def _apply_code(page, name: str) -> None:
    from playwright.sync_api import expect

    picker = page.locator("[data-testid='stSelectbox']", has_text="Code (typ om te zoeken)")
    picker.get_by_role("combobox").click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=False).first.click()
    expect(picker.get_by_role("combobox")).to_have_value(re.compile("^" + name))
    applied = page.get_by_text(f"Code '{name}' toegevoegd.").first
    for _ in range(3):  # a click made while the page still reruns can be lost: again
        page.get_by_role("button", name="Codeer").click()
        try:
            expect(applied).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            if page.get_by_text("Codes op deze tekst").count():
                return  # applied; the toast was gone before we looked
    expect(applied).to_be_visible()


def _choose(page, sentence: str) -> None:
    """Click a sentence and wait until the page shows it as the chosen text (one rerun at a
    time: a second click during the first rerun can be lost)."""
    from playwright.sync_api import expect

    page.locator(".wb-seg", has_text=sentence).first.click()
    expect(page.locator("blockquote", has_text=sentence).first).to_be_visible()


def test_code_a_span_see_it_in_the_margin_and_jump_back_from_a_memo(page, app_url):
    from playwright.sync_api import expect

    _open(page, app_url, "coderen")
    chosen = page.locator("blockquote", has_text="vaak alleen").first
    for _ in range(3):  # a selection made while the page still reruns can be lost: again
        sentence = page.locator(".wb-seg", has_text="Sinds mijn man is overleden").first
        sentence.evaluate(SELECT_WORDS, "vaak alleen")
        try:
            expect(chosen).to_have_text("vaak alleen", timeout=20_000)
            break
        except AssertionError:
            continue
    expect(chosen).to_have_text("vaak alleen")
    _apply_code(page, "Eenzaamheid en isolement")
    # the hand-selected span is marked in the transcript as a coding, not only as the selection
    span = page.locator(".wb-span[title*='Eenzaamheid en isolement']", has_text="vaak alleen").first
    span.wait_for()
    assert span.inner_text() == "vaak alleen"

    # clicking its sentence lists the span coding
    _choose(page, "Ik wandel met de hond")
    _choose(page, "Sinds mijn man is overleden")
    expect(page.get_by_text("op: “vaak alleen”").first).to_be_visible()

    # the margin: a stripe per code and coder; hover says who and when, a click selects
    stripe = page.locator(".wb-stripe", has_text="Eenzaamheid en isolement").first
    stripe.wait_for()
    assert re.search(
        r"Eenzaamheid en isolement · onderzoeker · \d{1,2} [a-z]+ \d{4}, \d\d:\d\d",
        stripe.get_attribute("title"),
    )
    _choose(page, "Ik wandel met de hond")
    stripe.click()
    expect(page.locator("blockquote", has_text="vaak alleen").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "coderen-marge.png"), full_page=True)
    assert page.evaluate(CUT_OFF) == [], "labels cut off at 1,280 px"

    # a memo on a sentence, then back to it from the memo list
    _choose(page, "Dat geeft me rust")
    on_sentence = page.get_by_text("Bij deze zin", exact=True).first
    for _ in range(3):  # a rerun that ends after the click can draw the expander closed again
        if on_sentence.is_visible():
            break
        page.locator("[data-testid='stExpander'] summary", has_text="Memo's").first.click()
        try:
            on_sentence.wait_for(timeout=15_000)
        except Exception:
            continue
    on_sentence.click()
    page.get_by_placeholder("Schrijf hier je memo").fill("Rust door de hond.")
    # the saved memo is listed as text; the text box itself can hold the same words after a
    # rerun, so look for it outside the text box, and save again when the click was lost
    saved = page.locator("[data-testid='stMarkdownContainer']", has_text="Rust door de hond.")
    for _ in range(3):
        page.get_by_role("button", name="Memo opslaan").click()
        try:
            saved.first.wait_for(timeout=20_000)
            break
        except Exception:
            continue
    expect(saved.first).to_be_visible()
    _choose(page, "Sinds mijn man is overleden")

    # to the memo list through the sidebar, as a person does (the same session)
    page.locator("[data-testid='stSidebarNav'] a", has_text="Memo's").first.click()
    link = page.get_by_role("link", name="Open in het interview").first
    try:  # on a busy machine a page's first run can stall: load the page once more
        link.wait_for(timeout=60_000)
    except Exception:
        page.reload()
        link.wait_for(timeout=120_000)
    page.screenshot(path=str(SCREENSHOTS / "memos-list.png"), full_page=True)
    link.click()
    expect(page.locator("blockquote", has_text="Dat geeft me rust").first).to_be_visible()
    expect(page.locator(".wb-seg.selected", has_text="Dat geeft me rust").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "coderen-jump.png"), full_page=True)


# The hidden table Streamlit keeps beside a data grid's canvas: its header and rows as text.
GRID_TEXT = """el => [...el.querySelectorAll('tr')]
  .map(r => [...r.querySelectorAll('th, td')].map(c => c.innerText.trim()))"""


def _pick(page, scope, label: str, option: str) -> None:
    """Choose ``option`` in the select box labelled ``label`` inside ``scope``."""
    from playwright.sync_api import expect

    box = scope.locator("[data-testid='stSelectbox']", has_text=label).first
    choice = page.get_by_role("option", name=option, exact=True).first
    for _ in range(3):  # a rerun that ends while the list is open closes it: open it again
        box.get_by_role("combobox").click()
        box.get_by_role("combobox").fill(option)
        try:
            choice.wait_for(timeout=15_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    choice.click()
    expect(box.get_by_role("combobox")).to_have_value(option)


def test_a_patronen_quote_jumps_to_its_place_on_the_coding_page(page, app_url):
    from playwright.sync_api import expect

    _open(page, app_url, "patronen")
    page.get_by_role("button", name="Download als CSV").wait_for()  # the page's run is done
    page.locator(
        "[data-testid='stExpander'] summary", has_text="Of kies zelf een persoon en een code"
    ).first.click()
    _pick(page, page, "Persoon", "R09-test")
    _pick(page, page, "Code", "Eenzaamheid en isolement")
    page.get_by_text("Klik op een rij om die plek in het interview te openen.").first.wait_for()
    quotes = page.locator("[data-testid='stDataFrame']").nth(1)  # below the matrix
    quotes.locator("td").first.wait_for(state="attached")  # the grid fills after it shows
    header, *rows = [r for r in quotes.evaluate(GRID_TEXT) if r]
    quote = rows[0][header.index("Tekst")]
    link = page.get_by_role(
        "link", name=re.compile("^Open Eenzaamheid en isolement in het interview R09-test")
    )
    box = quotes.bounding_box()
    for _ in range(3):  # a click on the grid while the page still reruns can be lost: again
        page.mouse.click(box["x"] + 16, box["y"] + 54)  # the first row's tick box
        try:
            link.first.wait_for(timeout=20_000)
            break
        except Exception:
            continue
    page.mouse.move(0, 0)
    page.screenshot(path=str(SCREENSHOTS / "patronen-citaat.png"), full_page=True)
    assert page.evaluate(CUT_OFF) == [], "labels cut off at 1,280 px"
    link.first.click()
    expect(page.get_by_role("heading", name="Coderen")).to_be_visible()
    expect(page.locator("blockquote").first).to_have_text(quote)
    page.screenshot(path=str(SCREENSHOTS / "coderen-vanuit-patronen.png"), full_page=True)


def _log_in(page, name: str, password: str) -> None:
    page.get_by_role("heading", name="Inloggen").wait_for()
    # in the login form: while the run after "Uitloggen" goes on, the page before it is
    # still drawn (faded), with fields of its own named "Naam"
    form = page.locator("[data-testid='stForm']", has=page.get_by_role("button", name="Inloggen"))
    form.get_by_label("Naam", exact=True).fill(name)
    form.get_by_label("Wachtwoord", exact=True).fill(password)
    form.get_by_role("button", name="Inloggen").click()


def _screen(page, name: str) -> None:
    """A screenshot of this screen, which must have no label cut off."""
    page.mouse.move(0, 0)  # no tooltip over the cards
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    assert page.evaluate(CUT_OFF) == [], f"labels cut off at 1,280 px on {name}"


def _wait_for_password(project: Path, name: str, seconds: float = 60) -> None:
    """Wait until the app has stored a password for ``name``."""
    from workbench.store import open_project

    deadline = time.monotonic() + seconds
    while True:
        db = open_project(project)
        try:
            if db.execute(
                "SELECT password_hash IS NOT NULL FROM users WHERE name = ?", [name]
            ).fetchone() == (1,):
                return
        finally:
            db.close()
        assert time.monotonic() < deadline, f"no password stored for {name}"
        time.sleep(0.5)


def test_a_resident_codes_an_assigned_fragment_in_the_werkplaats(page, app_url, project_file):
    """Last in this file: after it, the project has passwords and every page asks to log in."""
    from playwright.sync_api import expect

    from workbench.store import open_project

    # the researcher: an account for the resident, names replaced, one fragment assigned
    _open(page, app_url, "privacy")
    page.get_by_role("tab", name="Accounts").click()
    new = page.locator("[data-testid='stForm']", has_text="Nieuw account")
    new.get_by_label("Naam", exact=True).fill("bewoner")
    _pick(page, new, "Rol", "co-onderzoeker")
    new.get_by_role("button", name="Maken").click()
    page.get_by_text("Account 'bewoner' is gemaakt.").first.wait_for()
    page.get_by_role("tab", name="Namen vervangen").click()
    page.get_by_role("button", name="Vervang in alle documenten").click()
    page.get_by_text(re.compile(r"^Klaar: \d+ plek")).first.wait_for()
    page.get_by_role("tab", name="Werkplaats klaarzetten").click()
    fragments = page.locator("[data-testid='stMultiSelect']", has_text="Fragmenten").first
    fragments.get_by_role("combobox").click()
    page.get_by_role("option", name=re.compile("Sinds mijn man is overleden")).first.click()
    page.keyboard.press("Escape")
    expect(fragments).to_contain_text("Sinds mijn man is overleden")
    page.get_by_role("button", name="Geef deze fragmenten").click()
    page.get_by_text("1 fragment klaargezet voor bewoner.").first.wait_for()
    _screen(page, "privacy-werkplaats-klaarzetten.png")
    page.get_by_role("tab", name="Accounts").click()
    for who, password in (("onderzoeker", "onderzoek-e2e-1"), ("bewoner", "kaarten-e2e-2")):
        form = page.locator("[data-testid='stForm']", has_text="Wachtwoord instellen")
        _pick(page, form, "Naam", who)
        form.get_by_label("Wachtwoord (minstens 8 tekens)").fill(password)
        form.get_by_role("button", name="Bewaren").click()
        _wait_for_password(project_file, who)  # "Bewaard." may still show from the first one
    page.get_by_role("button", name="Uitloggen").click()

    # the resident: one pseudonymised fragment, the sentences around it in grey, the cards
    _log_in(page, "bewoner", "kaarten-e2e-2")
    expect(page.locator(".werkplaats-tekst")).to_have_text(
        ["Sinds mijn man is overleden voel ik me vaak alleen."]
    )
    expect(page.locator(".werkplaats-rond")).to_have_text(
        ["Hoe gaat het nu met u?", "Ik schaam me ervoor dat ik niemand meer zie."]
    )
    assert (
        page.locator(".werkplaats-rond").first.evaluate("el => getComputedStyle(el).color")
        == "rgb(138, 138, 138)"
    )
    assert page.locator("[data-testid='stSidebar']").is_hidden()
    card = page.get_by_role("button", name="Ik ben vaak alleen.")
    page.get_by_role("button", name="Weet ik niet").wait_for()
    _screen(page, "werkplaats-fragment.png")
    chosen = page.get_by_text("Jullie kozen: Ik ben vaak alleen.")
    for _ in range(3):  # a click made while the page still reruns can be lost: again
        card.click()
        try:
            expect(chosen).to_be_visible(timeout=20_000)
            break
        except AssertionError:
            continue
    expect(chosen).to_be_visible()
    page.get_by_role("button", name="Klaar").wait_for()  # the whole screen, not half a rerun
    _screen(page, "werkplaats-kaart.png")
    page.get_by_role("button", name="Klaar").click()
    expect(page.get_by_text("Klaar! Dank je wel voor je hulp.")).to_be_visible()
    _screen(page, "werkplaats-klaar.png")
    page.get_by_role("button", name="Stoppen en uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    _screen(page, "werkplaats-uitgelogd.png")

    db = open_project(project_file)
    try:
        assert db.execute(
            "SELECT group_coder LIKE 'werkplaats-%', card, answered_by FROM workshop_answers"
        ).fetchall() == [(1, "alleen", "bewoner")]
    finally:
        db.close()


# --- a second app on a project of its own: the tests below change cards and assignments there,
# and run alone too (-k "workshop or coderen or narrow"), before or after the tests above.


@pytest.fixture(scope="module")
def names_replaced_app(tmp_path_factory):
    """An app on a project with one interview, names replaced, a co-onderzoeker 'sanne'."""
    from privacy_support import add_document

    from workbench import accounts
    from workbench.handle import Project
    from workbench.privacy import apply_pseudonyms, decide

    project = tmp_path_factory.mktemp("e2e-werkplaats") / "werkplaats.db"
    db = create_project(project)
    researcher = Project.for_user(db, "onderzoeker")
    add_document(db)
    accounts.add_user(researcher, "sanne", role="co-onderzoeker")
    for name in ("Kees", "Zwolle", "Ria van der Berg", "Jan de Vries", "Jan"):
        decide(researcher, name, accept=True, kind="place" if name == "Zwolle" else None)
    decide(researcher, "Stichting Welzijn Oost", accept=True, kind="organisation")
    apply_pseudonyms(researcher)
    db.close()
    for url in _serve(project):
        yield url, project


def _click_where_it_shows(page, button) -> None:
    """Click ``button`` at once where it shows, as a person does: with the mouse, also while
    a list is still open (Playwright's own click would wait until nothing covers it)."""
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_workshop_fragments_are_given_with_one_click_right_after_picking(page, names_replaced_app):
    from playwright.sync_api import expect

    from workbench.store import open_project

    url, project = names_replaced_app
    tab = page.context.browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _open(tab, url, "privacy")
        tab.get_by_role("tab", name="Werkplaats klaarzetten").click()
        fragments = tab.locator("[data-testid='stMultiSelect']", has_text="Fragmenten").first
        fragments.get_by_role("combobox").click()
        tab.get_by_role("option", name=re.compile("Sinds \\[Naam 1\\] overleed")).first.click()
        # the list stays open for the next pick; the first click on the button must count
        _click_where_it_shows(tab, tab.locator("button", has_text="Geef deze fragmenten"))
        expect(tab.get_by_text("1 fragment klaargezet voor sanne.")).to_be_visible(timeout=20_000)
    finally:
        tab.close()
    db = open_project(project)
    try:
        given = db.execute(
            "SELECT text FROM segments JOIN workshop_assignments ON segment_id = segments.id"
        )
        assert [r[0] for r in given] == [
            "Sinds Kees overleed woon ik alleen in Zwolle. Mijn dochter Ria van der Berg belt soms."
        ]
    finally:
        db.close()


def test_workshop_cards_are_saved_with_one_click_right_after_picking(page, names_replaced_app):
    from playwright.sync_api import expect

    url, _ = names_replaced_app
    tab = page.context.browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        _open(tab, url, "workshop")
        cards = tab.locator("[data-testid='stMultiSelect']").first
        chips = cards.locator("[data-tag]")
        for left in (7, 6):  # eight cards to begin with: take two away
            cards.locator("button[aria-label^='Remove']").last.click()
            expect(chips).to_have_count(left)
        cards.get_by_role("combobox").click()
        tab.get_by_role("option").first.click()
        expect(chips).to_have_count(7)
        _click_where_it_shows(tab, tab.locator("button", has_text="Kaarten opslaan"))
        expect(tab.get_by_text("7 kaarten opgeslagen.", exact=False)).to_be_visible(timeout=20_000)
    finally:
        tab.close()


def test_coderen_in_a_narrow_window_gives_the_transcript_the_width(page, names_replaced_app):
    """At 800 px the sidebar stays open (Streamlit folds it away only at 768 px and less):
    the transcript and the tools stand one under the other instead of in two thin columns."""
    url, _ = names_replaced_app
    tab = page.context.browser.new_page(viewport={"width": 800, "height": 900})
    try:
        _open(tab, url, "coderen")
        transcript = tab.locator(".wb-transcript").first
        tab.locator(".wb-seg").first.wait_for()
        undo = tab.get_by_role("button", name="Ongedaan maken")
        text, tools = transcript.bounding_box(), undo.bounding_box()
        tab.screenshot(path=str(SCREENSHOTS / "coderen-800.png"), full_page=True)
        assert text["width"] >= 400, f"the transcript is {text['width']:.0f} px wide at 800 px"
        assert tools["y"] >= text["y"] + text["height"] or tools["x"] >= text["x"] + text["width"]
        assert tab.evaluate("document.documentElement.scrollWidth") <= 800
        assert tab.evaluate(CUT_OFF) == [], "labels cut off at 800 px"
    finally:
        tab.close()
