"""`saidwhat serve` in a real browser: headless Chromium (Debian's package) driven by
Playwright opens a document, corrects a speaker, adds a missed attribution, codes a
statement, rejects and undoes by keyboard, marks the document reviewed; the gold export
then holds the corrections. Skips when Chromium or Playwright is absent (`.ci/run`
installs both)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SAIDWHAT_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("SAIDWHAT_REQUIRE_BROWSER") == "1"  # set by .ci/run
if not Path(CHROMIUM).exists():
    if REQUIRED:
        raise RuntimeError(f"SAIDWHAT_REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")
pytest.importorskip("uvicorn")

from click.testing import CliRunner  # noqa: E402
from test_web import CODEBOOK, EVIL, TEXT, build_store  # noqa: E402

from saidwhat.cli import main  # noqa: E402
from saidwhat.store import DocumentRecord, ExtractionResult, Store  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SELECT_JS = """(phrase) => {
  const art = document.getElementById('text');
  const walk = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
  const nodes = []; let full = '';
  while (walk.nextNode()) { nodes.push([walk.currentNode, full.length]); full += walk.currentNode.data; }
  const i = full.indexOf(phrase);
  if (i < 0) { throw new Error('not in the text: ' + phrase); }
  const at = (pos) => { for (let k = nodes.length - 1; k >= 0; k--) {
    if (nodes[k][1] <= pos) { return [nodes[k][0], pos - nodes[k][1]]; } } };
  const [sn, so] = at(i); const [en, eo] = at(i + phrase.length - 1);
  const r = document.createRange(); r.setStart(sn, so); r.setEnd(en, eo + 1);
  const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "saidwhat", "serve", "--db", str(db),
                             "--port", str(port), "--codebook", CODEBOOK, "--coder", "ann"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"saidwhat serve did not start: {out}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = build_store(tmp_path / "web.db")
    for url in serve(db):
        yield url, db


SURNAMES = ("Abbot Barlow Carver Dunmore Ellery Fenwick Garland Hollis Ingram Jessop Kendall "
            "Lowther Marlow Norcott Oakley Pruett Quarles Rowntree Selby Thorne Upton Varley "
            "Whitlow Yardley Zeller Ashdown Brierley Cottam Darley Eastwood").split()


def long_store(path: Path, n: int = 30) -> Path:
    """One document of ``n`` paragraphs, each one attribution of its own speaker."""
    names = [f"Ann {SURNAMES[i]}" for i in range(n)]
    lines = [f"\u201cPoint {i} is about the harbour and the buses,\u201d said {names[i]}."
             for i in range(n)]
    text = "\n\n".join(lines)
    quotes, at = [], 0
    for i, line in enumerate(lines):
        def sp(part: str, line: str = line, at: int = at) -> dict:
            j = at + line.index(part)
            return {"start": j, "end": j + len(part), "text": part}
        quotes.append({"id": f"q{i + 1}", "kind": "direct",
                       "content": sp(f"Point {i} is about the harbour and the buses,"),
                       "cue": sp("said"), "source": sp(names[i]),
                       "speaker": {"name": names[i], "type": "person", "role": None,
                                   "affiliation": None}, "channel": None})
        at += len(line) + 2
    with Store(path) as store:
        store.add_documents([DocumentRecord("long", text, "txt", "long.txt", title="Long",
                                            date="2024-02-01")],
                            None)
        store.save_results([ExtractionResult(1, {"quotes": quotes, "entities": []})], None)
    return path


@pytest.fixture()
def page(tmp_path: Path) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=ARGS, viewport={"width": 1400, "height": 900})
        pg = ctx.new_page()
        pg.alerts = []  # type: ignore[attr-defined]
        pg.on("dialog", lambda d: (pg.alerts.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        pg.console_errors = []  # type: ignore[attr-defined]
        pg.on("console", lambda m: pg.console_errors.append(m.text)  # type: ignore[attr-defined]
              if m.type == "error" else None)
        pg.set_default_timeout(20_000)
        yield pg
        ctx.close()


def select_text(page, phrase: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate(SELECT_JS, phrase)
    page.locator("#flash", has_text="selected").wait_for()


def test_review_a_document_in_the_browser_and_export_gold(server, page, tmp_path: Path) -> None:
    url, db = server
    page.goto(f"{url}/doc?id=d1")
    assert EVIL in page.inner_text("#text")  # shown as text, never run
    assert page.locator("#text .content").count() >= 2

    # correct a speaker (an existing actor or a new one)
    card = page.locator("#card-q2")
    card.locator("summary", has_text="speaker").click()
    card.locator(".speaker-input").fill("Town Hall")
    card.locator("select[name=type]").select_option("organization")
    card.locator("button.save-speaker").click()
    page.locator("#card-q2 .speaker-name", has_text="Town Hall").wait_for()

    # add a missed attribution by selecting its content and its source
    select_text(page, "the buses were too slow")
    page.click("#take-content")
    select_text(page, "Residents")
    page.click("#take-source")
    page.fill("#add-speaker", "Harbour Residents Association")
    page.select_option("#add-form select[name=type]", "organization")
    page.click("#add-submit")
    added = page.locator("li.quote", has_text="Harbour Residents Association")
    added.wait_for()
    added_id = added.get_attribute("data-q")
    assert added_id and added_id.startswith("c")

    # code a statement against the codebook
    card = page.locator("#card-q2")
    card.locator("select.concept").select_option("congestion-charge")
    card.locator("select.agreement").select_option("oppose")
    card.locator("button.save-code").click()
    page.locator("#card-q2 dd.code", has_text="congestion-charge").wait_for()

    # move a span boundary by selecting text: q1's content loses its last words
    card = page.locator("#card-q1")
    card.locator("summary", has_text="spans").click()
    select_text(page, "We need a congestion charge")
    card.locator("button.move-span[data-role=content]").click()
    page.locator("#card-q1 dd", has_text="content").first.wait_for()

    # keyboard: select the first attribution, reject it, undo
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    first = page.locator("li.quote.sel").get_attribute("data-q")
    assert page.locator("#text .hl").count() >= 2  # its content, cue and source in the text
    page.locator("#text .source[data-q~=q2]").first.click()  # and the other way round
    assert page.locator("li.quote.sel").get_attribute("data-q") == "q2"
    page.keyboard.press("k")
    assert page.locator("li.quote.sel").get_attribute("data-q") == first
    page.keyboard.press("r")
    page.locator(f"#card-{first}.status-rejected").wait_for()
    page.keyboard.press("u")
    page.locator("#message", has_text="undid").wait_for()
    # the message and the re-rendered card arrive in separate swaps: wait for the card
    try:
        page.locator(f"#card-{first}:not(.status-rejected)").wait_for()
    except Exception as exc:  # say what the undo did
        raise AssertionError(page.inner_text("#history") + page.inner_text("#message")) from exc
    assert page.locator(f"#card-{first}.status-rejected").count() == 0

    page.click("#mark-reviewed")
    page.locator(".reviewed-mark").wait_for()
    assert page.alerts == []  # type: ignore[attr-defined]

    out = tmp_path / "gold"
    result = CliRunner().invoke(main, ["export", "--db", str(db), "--format", "gold",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "d1.json").read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in record["attributions"]}
    assert by_id["q2"]["speaker"]["name"] == "Town Hall"
    assert by_id["q1"]["content"]["text"] == "We need a congestion charge"
    new = by_id[added_id]
    assert (new["content"]["text"], new["source"]["text"], new["speaker"]["name"]) == \
        ("the buses were too slow", "Residents", "Harbour Residents Association")
    assert record["text"] == TEXT + " "
    with Store(db, readonly=True) as store:
        assert [(c.quote_id, c.concept, c.agreement, c.coder) for c in store.codings()] == \
            [("q2", "congestion-charge", "oppose", "ann")]


def test_network_page_draws_the_graph(server, page) -> None:
    url, db = server
    with Store(db) as store:
        for doc_id, agreement in (("d1", "support"), ("d2", "oppose")):
            store.add_correction(doc_id, "code", coder="ann", quote_id="q2",
                                 value={"concept": "congestion-charge", "agreement": agreement})
    page.goto(f"{url}/network")
    page.wait_for_function("() => window.saidwhatNetwork && window.saidwhatNetwork.nodes().length")
    assert page.evaluate("() => window.saidwhatNetwork.nodes().length") == 2
    assert page.evaluate("() => window.saidwhatNetwork.edges().length") == 1
    assert page.alerts == []  # type: ignore[attr-defined]


def test_a_correction_keeps_the_reviewers_place(tmp_path: Path, page) -> None:
    """Issue 13: every correction re-renders the document; the side list jumped back to its
    top and closed the open forms, so a reviewer lost their place after each click."""
    db = long_store(tmp_path / "long.db")
    for url in serve(db):
        page.set_viewport_size({"width": 1300, "height": 700})
        page.goto(f"{url}/doc?id=long")
        card = page.locator("#card-q25")
        card.locator("summary", has_text="speaker").click()
        card.scroll_into_view_if_needed()
        side = "() => document.querySelector('aside.side').scrollTop"
        before = page.evaluate(side)
        assert before > 500
        card.locator("button.accept").click()
        page.locator("#card-q25.status-accepted").wait_for()
        page.wait_for_timeout(200)
        assert abs(page.evaluate(side) - before) < 5
        assert page.locator("#card-q25 details.speaker-box").evaluate("d => d.open")
        page.keyboard.press("j")  # the keyboard goes on from there
        assert page.locator("li.quote.sel").count() == 1
        for path in ("/", "/actors", "/orphans", "/network"):
            page.goto(url + path)
        assert page.console_errors == []  # type: ignore[attr-defined]  (no favicon 404s)
        assert page.alerts == []  # type: ignore[attr-defined]


def test_network_labels_stay_readable_with_many_actors(tmp_path: Path, page) -> None:
    """Issue 13: the force layout spread 18 nodes (the bundled demo's size) so wide that
    fitting it shrank the labels to 3-4 pixels."""
    db = long_store(tmp_path / "net.db", n=16)
    concepts = ("congestion-charge", "cycle-lanes", "more-buses")
    with Store(db) as store:
        for i in range(16):
            for k in range(1 + i % 2):
                store.add_correction("long", "code", coder="ann", quote_id=f"q{i + 1}",
                                     value={"concept": concepts[(i + k) % 3],
                                            "agreement": ("support", "oppose")[(i // 3) % 2]})
    for url in serve(db):
        page.goto(f"{url}/network")
        page.wait_for_function("() => window.saidwhatNetwork && window.saidwhatNetwork.nodes().length")
        assert page.evaluate("() => window.saidwhatNetwork.nodes().length") == 19
        size = page.evaluate("""() => { const cy = window.saidwhatNetwork;
            return Math.min(...cy.nodes().map(n => parseFloat(n.style('font-size')))) * cy.zoom(); }""")
        assert size >= 10, f"labels drawn at {size:.1f} px"
        page.screenshot(path=str(tmp_path / "network.png"))
        assert page.console_errors == []  # type: ignore[attr-defined]


def test_cards_fit_a_narrow_window(server, page) -> None:
    """Issue 13: at 900 px the codebook's long concept labels pushed the concept list out of
    its card, over the window's edge."""
    url, _ = server
    page.set_viewport_size({"width": 900, "height": 800})
    page.goto(f"{url}/doc?id=d1")
    overflow = page.evaluate("""() => [...document.querySelectorAll('li.quote')].map(card => {
        const right = card.getBoundingClientRect().right;
        return Math.max(...[...card.querySelectorAll('select, input, button')]
            .map(el => el.getBoundingClientRect().right - right)); })""")
    assert max(overflow) <= 0, overflow


def test_a_new_speaker_name_does_not_keep_the_old_speakers_role(server, page) -> None:
    """Issue 13: changing an attribution's speaker to another actor kept the previous
    speaker's role and affiliation in the form, so the new speaker was saved with them."""
    url, db = server
    page.goto(f"{url}/doc?id=d1")
    card = page.locator("#card-q1")
    card.locator("summary", has_text="speaker").click()
    assert card.locator("input[name=role]").input_value() == EVIL
    card.locator(".speaker-input").fill("city council")
    card.locator(".speaker-input").dispatch_event("change")
    assert card.locator("input[name=role]").input_value() == ""
    card.locator("input[name=role]").fill("the town's council")  # typed after: kept
    card.locator("button.save-speaker").click()
    page.locator("#card-q1 .speaker-name", has_text="city council").wait_for()
    with Store(db, readonly=True) as store:
        speaker = store.reviewed_document("d1").quote("q1").quote["speaker"]
    assert (speaker["name"], speaker["role"]) == ("city council", "the town's council")
    card = page.locator("#card-q2")  # the same name again changes nothing
    card.locator("summary", has_text="speaker").click()
    card.locator("input[name=role]").fill("a role")
    card.locator(".speaker-input").fill("city council")
    card.locator(".speaker-input").dispatch_event("change")
    assert card.locator("input[name=role]").input_value() == "a role"
