"""`saidwhat serve`: routes, escaping of hostile text, CSRF, 4xx for malformed requests,
corrections through the API, actors and network pages (Starlette's TestClient)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytest.importorskip("starlette")
pytest.importorskip("multipart")
from click.testing import CliRunner  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402
from store_fixtures import build_store as build_corpus_store  # noqa: E402
from store_fixtures import span  # noqa: E402

from saidwhat.cli import main  # noqa: E402
from saidwhat.store import Store  # noqa: E402
from saidwhat.web.app import create_app  # noqa: E402

CODEBOOK = str(Path(__file__).parent / "data" / "network" / "codebook.yaml")
EVIL = '<script>alert(1)</script>'
EVIL_ATTR = '" onmouseover="alert(2)" x="'
EVIL_IMG = "<img src=x onerror=alert(3)>"
TEXT = (f"Headline {EVIL} and {EVIL_IMG} </div></span><b>broken. "
        "\u201cWe need a congestion charge in the old town,\u201d said Mara Quill. "
        "The council said the charge would hurt shops. "
        "Residents argued that the buses were too slow.")


def quotes() -> list[dict]:
    return [
        {"id": "q1", "kind": "direct",
         "content": span(TEXT, "We need a congestion charge in the old town,"),
         "cue": span(TEXT, "said"), "source": span(TEXT, "Mara Quill"),
         "speaker": {"name": f"Mara {EVIL_ATTR}", "type": "person", "role": EVIL,
                     "affiliation": None}, "channel": None},
        {"id": "q2", "kind": "indirect", "content": span(TEXT, "the charge would hurt shops"),
         "cue": span(TEXT, "said", 2), "source": span(TEXT, "The council"),
         "speaker": {"name": "city council", "type": "organization", "role": None,
                     "affiliation": None}, "channel": None},
    ]


def build_store(path: Path, n: int = 3) -> Path:
    return build_corpus_store(path, TEXT, quotes(), (
        {"id": f"d{i}" if i else "d0&<x>", "title": f"{EVIL} title {i}",
         "date": f"2024-02-0{i + 1}", "outlet": "Gazette",
         "url": "javascript:alert(4)" if i == 0 else "https://example.org/a"}
        for i in range(n)))


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return build_store(tmp_path / "web.db")


@pytest.fixture()
def client(db: Path) -> TestClient:
    app = create_app(db, codebook=CODEBOOK, coder="ann", allowed_hosts=["testserver"])
    return TestClient(app, raise_server_exceptions=False)


def token(client: TestClient) -> str:
    html = client.get("/").text
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def post(client: TestClient, **fields: str) -> object:
    fields.setdefault("csrf_token", token(client))
    return client.post("/api/correct", data=fields, headers={"HX-Request": "true"})


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'onmouseover="alert' not in html
    assert "</div></span><b>broken" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_answer_and_escape_everything(client: TestClient) -> None:
    corpus = client.get("/")
    assert corpus.status_code == 200 and "d0&amp;&lt;x&gt;" in corpus.text
    assert_inert(corpus.text)
    doc = client.get("/doc", params={"id": "d0&<x>"})
    assert doc.status_code == 200
    assert_inert(doc.text)
    assert "javascript:alert(4)" in doc.text  # shown as text, never as a link
    assert "Mara &#34; onmouseover=&#34;alert(2)&#34;" in doc.text
    assert "script-src 'self'" in doc.headers["content-security-policy"]
    for path in ("/actors", "/network", "/orphans"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert_inert(page.text) if "alert(1)" in page.text else None
        assert "<script>alert" not in page.text


def test_document_text_segments_rebuild_the_text_and_mark_roles(client: TestClient) -> None:
    html = client.get("/doc", params={"id": "d1"}).text
    article = re.search(r'<article class="text" id="text">(.*?)</article>', html, re.S).group(1)
    import html as htmllib

    parts = re.findall(r'<span data-o="(\d+)"[^>]*>(.*?)</span>', article, re.S)
    text = "".join(htmllib.unescape(t) for _, t in parts)
    assert text == TEXT + " "
    offsets = [int(o) for o, _ in parts]
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert re.search(r'class="content" data-q="q1"', article)
    assert re.search(r'class="cue" data-q="q1"', article)
    assert re.search(r'class="source" data-q="q1"', article)


def test_writes_need_the_servers_csrf_token(client: TestClient, db: Path) -> None:
    for sent in ({}, {"csrf_token": "wrong"}):
        r = client.post("/api/correct", data={"doc_id": "d1", "action": "accept",
                                              "quote_id": "q1", **sent})
        assert r.status_code == 403 and "CSRF" in r.text
    other = TestClient(create_app(db, coder="x", allowed_hosts=["testserver"]))
    r = client.post("/api/correct", data={"doc_id": "d1", "action": "accept", "quote_id": "q1",
                                          "csrf_token": token(other)})
    assert r.status_code == 403  # another server's token is not this one's
    with Store(db, readonly=True) as store:
        assert store.corrections() == []
    ok = client.post("/api/correct", data={"doc_id": "d1", "action": "accept", "quote_id": "q1"},
                     headers={"X-CSRF-Token": token(client)}, follow_redirects=False)
    assert ok.status_code == 303  # a plain form goes back to the page


def test_malformed_requests_get_a_4xx_with_a_message(client: TestClient) -> None:
    t = token(client)
    cases = [
        (client.get("/doc"), 400, "which document"),
        (client.get("/doc", params={"id": "nope"}), 404, "no document"),
        (client.get("/", params={"page": "x"}), 400, "whole number"),
        (client.get("/", params={"since": "yesterday"}), 400, "since"),
        (client.get("/", params={"reviewed": "maybe"}), 400, "reviewed"),
        (client.get("/network", params={"type": "pie"}), 400, "type"),
        (client.get("/network/export", params={"format": "../../etc/passwd"}), 400, "format"),
        (post(client, doc_id="d1", action="explode"), 400, "unknown action"),
        (post(client, doc_id="d1", action="accept", quote_id="q99"), 400, "no attribution"),
        (post(client, doc_id="zz", action="accept", quote_id="q1"), 404, "no document"),
        (post(client, doc_id="d1", action="span", quote_id="q1", role="content",
              span_start="5", span_end="x"), 400, "whole number"),
        (post(client, doc_id="d1", action="span", quote_id="q1", role="content",
              span_start="5", span_end="999999"), 400, "outside the text"),
        (post(client, doc_id="d1", action="code", quote_id="q1", concept="cycle-lanes",
              agreement="perhaps"), 400, "agreement"),
        (post(client, doc_id="d1", action="code", quote_id="q1", concept="no-such-concept",
              agreement="support"), 400, "not in the codebook"),
        (post(client, doc_id="d1", action="undo", correction_id="x"), 400, "whole number"),
        (post(client, doc_id="d1", action="add"), 400, "content"),
        (client.post("/api/correct", content=b"\xff\xfe{not a form",
                     headers={"content-type": "application/json", "X-CSRF-Token": t}),
         415, "form"),
        (client.get("/doc", params={"id": "d1"}, headers={"host": "evil.example"}), 400,
         "Invalid host"),
        (client.get("/static/../../../../etc/passwd"), 404, "not found"),
        (client.get("/static/%2e%2e/%2e%2e/app.py"), 404, "not found"),
    ]
    for response, status, words in cases:
        assert response.status_code == status, (response.request.url, response.text)
        assert words.lower() in response.text.lower()
        assert "Traceback" not in response.text


def test_corrections_through_the_api_and_undo(client: TestClient, db: Path) -> None:
    r = post(client, doc_id="d1", action="speaker", quote_id="q2", name="Town Hall",
             type="organization")
    assert r.status_code == 200 and "Town Hall" in r.text and "saved #" in r.text
    content = span(TEXT, "the buses were too slow")
    source = span(TEXT, "Residents")
    r = post(client, doc_id="d1", action="add", content_start=str(content["start"]),
             content_end=str(content["end"]), source_start=str(source["start"]),
             source_end=str(source["end"]), name="residents", type="anonymous")
    assert r.status_code == 200 and 'id="card-c2"' in r.text
    r = post(client, doc_id="d1", action="code", quote_id="c2", concept="congestion-charge",
             agreement="oppose")
    assert r.status_code == 200
    r = post(client, doc_id="d1", action="reject", quote_id="q1")
    assert "status-rejected" in r.text
    r = post(client, doc_id="d1", action="undo")
    assert "undid #4 (reject)" in r.text and "status-rejected" not in r.text
    post(client, doc_id="d2", action="speaker", quote_id="q1", name="City Council",
         type="organization")  # an existing actor (case aside): linked by its id
    post(client, doc_id="d1", action="reviewed", reviewed="1")
    with Store(db, readonly=True) as store:
        view = store.reviewed_document("d1")
        assert view.reviewed and view.quote("q2").quote["speaker"]["name"] == "Town Hall"
        linked = store.reviewed_document("d2").quote("q1").quote
        assert linked["speaker"]["name"] == "City Council"
        assert [c.value.get("actor_id") for c in store.corrections("d2")] == \
            [store.actor_id_of("city council")]
        assert [c.value.get("actor_id") for c in store.corrections("d1")][:1] == [None]
        assert [(c.concept, c.agreement, c.coder) for c in store.codings()] == \
            [("congestion-charge", "oppose", "ann")]
    listed = client.get("/", params={"reviewed": "yes"}).text
    assert "/doc?id=d1" in listed and "/doc?id=d2" not in listed
    codings = client.get("/api/codings").json()
    assert codings[0]["anchor"]["text"] == "the buses were too slow"


def test_actor_edits_use_the_actor_table(client: TestClient, db: Path) -> None:
    t = token(client)
    r = client.post("/api/actors", data={"action": "rename", "actor": "city council",
                                         "name": "City Council", "csrf_token": t},
                    follow_redirects=False)
    assert r.status_code == 303
    bad = client.post("/api/actors", data={"action": "merge", "into": "nobody",
                                           "other": "none", "csrf_token": t})
    assert bad.status_code == 400 and "no actor" in bad.text
    with Store(db, readonly=True) as store:
        assert "City Council" in {a["name"] for a in store.actor_rows()}
    assert "City Council" in client.get("/actors").text


def test_network_page_and_exports_use_the_corrections(client: TestClient) -> None:
    post(client, doc_id="d1", action="code", quote_id="q2", concept="congestion-charge",
         agreement="oppose")
    post(client, doc_id="d2", action="code", quote_id="q2", concept="congestion-charge",
         agreement="support")
    post(client, doc_id="d2", action="speaker", quote_id="q2", name=f"{EVIL} Party",
         type="organization")
    page = client.get("/network")
    assert page.status_code == 200 and "2 statements (2 hand-coded" in page.text
    elements = re.search(r'<script type="application/json" id="elements">(.*?)</script>',
                         page.text, re.S).group(1)
    assert "<" not in elements and "\\u003cscript\\u003e" in elements  # JSON-escaped
    for fmt in ("graphml", "gexf", "csv", "dna"):
        r = client.get("/network/export", params={"format": fmt})
        assert r.status_code == 200 and len(r.content) > 50, fmt
        assert "attachment" in r.headers["content-disposition"]
    assert b"city council" in client.get("/network/export", params={"format": "csv"}).content
    post(client, doc_id="d1", action="reject", quote_id="q2")
    csv = client.get("/network/export", params={"format": "csv"}).content
    assert b"city council" not in csv  # a rejected attribution leaves the network
    cong = client.get("/network", params={"type": "congruence"})
    assert cong.status_code == 200


def test_writes_wait_for_a_running_batch_and_then_succeed(client: TestClient, db: Path) -> None:
    import threading
    import time

    held = threading.Event()

    def batch() -> None:  # a run committing a batch: holds the write lock for a moment
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(0.5)
        other.execute("COMMIT")
        other.close()

    writer = threading.Thread(target=batch)
    writer.start()
    held.wait()
    r = post(client, doc_id="d1", action="accept", quote_id="q1")
    writer.join()
    assert r.status_code == 200 and "saved #1 (accept)" in r.text


def test_serve_command_refuses_what_it_cannot_serve(tmp_path: Path, db: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no such store" in missing.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("concepts: 3\n", encoding="utf-8")
    r = runner.invoke(main, ["serve", "--db", str(db), "--codebook", str(bad)])
    assert r.exit_code == 2 and "bad.yaml" in r.output


def test_serve_without_the_extra_says_which_to_install(monkeypatch, db: Path) -> None:
    import builtins

    real = builtins.__import__

    def no_uvicorn(name, *args, **kwargs):
        if name == "uvicorn":
            raise ImportError("No module named 'uvicorn'", name="uvicorn")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_uvicorn)
    r = CliRunner().invoke(main, ["serve", "--db", str(db)])
    assert r.exit_code == 2 and "saidwhat[serve]" in r.output


def test_loopback_detection() -> None:
    from saidwhat.cli.serve_cmd import is_loopback

    assert all(map(is_loopback, ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"]))
    assert not any(map(is_loopback, ["0.0.0.0", "192.168.1.4", "example.org", "::"]))


def test_a_speaker_corrected_to_an_existing_actor_is_that_actor_in_the_network(
        client: TestClient) -> None:
    post(client, doc_id="d1", action="code", quote_id="q2", concept="congestion-charge",
         agreement="oppose")
    post(client, doc_id="d1", action="speaker", quote_id="q2", name="CITY COUNCIL",
         type="organization")
    csv = client.get("/network/export", params={"format": "csv"}).content.decode()
    assert "city council" in csv and "CITY COUNCIL" not in csv  # the actor's own name
    post(client, doc_id="d1", action="speaker", quote_id="q2", name="Harbour Board",
         type="organization")
    csv = client.get("/network/export", params={"format": "csv"}).content.decode()
    assert "Harbour Board" in csv and "city council" not in csv


def test_a_code_must_name_a_concept_of_the_codebook(client: TestClient, db: Path) -> None:
    """Issue 13: with --codebook, a code for a concept the codebook lacks was stored and then
    drawn as a concept node of the network."""
    r = post(client, doc_id="d1", action="code", quote_id="q1", concept="no-such-concept",
             agreement="support")
    assert r.status_code == 400 and "no-such-concept" in r.text and "cycle-lanes" in r.text
    with Store(db, readonly=True) as store:
        assert store.corrections() == []
    assert "no-such-concept" not in client.get("/network").text
    no_codebook = TestClient(create_app(db, coder="ann", allowed_hosts=["testserver"]))
    r = post(no_codebook, doc_id="d1", action="code", quote_id="q1", concept="my-own",
             agreement="support")
    assert r.status_code == 200  # without a codebook the coder names the concepts


def test_undo_by_id_refuses_another_documents_correction(client: TestClient, db: Path) -> None:
    post(client, doc_id="d1", action="reject", quote_id="q1")
    r = post(client, doc_id="d2", action="undo", correction_id="1")
    assert r.status_code == 400 and "not in document 'd2'" in r.text
    with Store(db, readonly=True) as store:
        assert store.reviewed_document("d1").quote("q1").status == "rejected"


def test_errors_of_plain_forms_are_pages_with_a_way_back(client: TestClient) -> None:
    """Issue 13: the actors page's forms are plain forms; a refused edit answered with bare
    text, no page and no way back."""
    t = token(client)
    r = client.post("/api/actors", data={"action": "merge", "into": "nobody", "other": "none",
                                         "csrf_token": t},
                    headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'id="error-detail"' in r.text and "no actor" in r.text and 'href="/actors"' in r.text
    htmx = post(client, doc_id="d1", action="accept", quote_id="q99")
    assert htmx.status_code == 400 and htmx.headers["content-type"].startswith("text/plain")
    api = client.post("/api/actors", data={"action": "merge", "csrf_token": t})
    assert api.status_code == 400 and api.headers["content-type"].startswith("text/plain")


def test_error_pages_name_their_status_and_keep_long_values_short(client: TestClient) -> None:
    r = client.get("/doc", params={"id": "nope"})
    assert r.status_code == 404 and "<h1>Error 404</h1>" in r.text
    assert "<title>Error 404" in r.text
    long_id = "x" * 6000
    r = client.get("/doc", params={"id": long_id})
    assert r.status_code == 404 and "no document" in r.text and len(r.text) < 5000



def test_each_card_shows_what_was_said(client: TestClient) -> None:
    """Issue 13: the side list gave speaker, cue and source but not the content, so a card
    could not be matched to its statement without clicking it."""
    html = client.get("/doc", params={"id": "d1"}).text
    card = re.search(r'<li class="quote[^"]*" id="card-q2".*?</dl>', html, re.S).group(0)
    assert re.search(r'<dd class="content-text">the charge would hurt shops</dd>', card)
    post(client, doc_id="d1", action="span", quote_id="q2", role="content",
         span_start=str(span(TEXT, "hurt shops")["start"]),
         span_end=str(span(TEXT, "hurt shops")["end"]))
    html = client.get("/doc", params={"id": "d1"}).text
    card = re.search(r'<li class="quote[^"]*" id="card-q2".*?</dl>', html, re.S).group(0)
    assert '<dd class="content-text">hurt shops</dd>' in card  # the corrected span


def test_the_network_leaves_out_codes_of_concepts_the_codebook_lacks(db: Path) -> None:
    """A code stored under another codebook (or through the Python API) is not drawn as a
    concept of this codebook's network."""
    with Store(db) as store:
        store.add_correction("d1", "code", coder="ann", quote_id="q2",
                             value={"concept": "old-concept", "agreement": "support"})
        store.add_correction("d2", "code", coder="ann", quote_id="q2",
                             value={"concept": "cycle-lanes", "agreement": "support"})
    client = TestClient(create_app(db, codebook=CODEBOOK, coder="ann",
                                   allowed_hosts=["testserver"]))
    page = client.get("/network")
    assert page.status_code == 200 and "1 statements (1 hand-coded" in page.text
    assert "old-concept" not in page.text.split('id="elements"')[1]
    assert "1 hand code(s) of concepts not in this codebook left out" in page.text
    assert b"old-concept" not in client.get("/network/export", params={"format": "csv"}).content


def test_serving_on_every_interface_never_allows_any_host(db: Path, monkeypatch) -> None:
    # a Host check that takes any name would let a web page reach the app by DNS rebinding
    import uvicorn

    import saidwhat.web.app as web_app

    seen: dict[str, list[str]] = {}
    real = web_app.create_app

    def spy(*args, **kwargs):
        seen["hosts"] = kwargs["allowed_hosts"]
        return real(*args, **kwargs)

    monkeypatch.setattr(web_app, "create_app", spy)
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    r = CliRunner().invoke(main, ["serve", "--db", str(db), "--host", "0.0.0.0",
                                  "--allowed-host", "review.example.org"])
    assert r.exit_code == 0, r.output
    assert "not loopback" in r.output
    assert "*" not in seen["hosts"]
    assert {"127.0.0.1", "localhost", "review.example.org"} <= set(seen["hosts"])
    client = TestClient(real(db, coder="x", allowed_hosts=seen["hosts"]),
                        base_url="http://rebound.attacker.example")
    assert client.get("/").status_code == 400


def _chunked_form(fields: dict[str, str], pad: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """A form body sent in chunks with no Content-Length (Transfer-Encoding: chunked)."""
    yield urlencode(fields).encode() + b"&pad="
    for _ in range(pad // chunk):
        yield b"x" * chunk


@pytest.mark.parametrize("path, fields", [
    ("/api/correct", {"doc_id": "d1", "action": "accept", "quote_id": "q1"}),
    ("/api/actors", {"action": "rename", "actor": "city council", "name": "Renamed"}),
])
def test_a_chunked_body_over_the_limit_is_refused(client: TestClient, db: Path, path: str,
                                                  fields: dict[str, str]) -> None:
    """A body without Content-Length was read whole, past the 1 MiB limit, and saved."""
    headers = {"content-type": "application/x-www-form-urlencoded", "X-CSRF-Token": token(client)}
    r = client.post(path, content=_chunked_form(fields, 2 << 20), headers=headers,
                    follow_redirects=False)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413 and "too large" in r.text
    with Store(db, readonly=True) as store:
        assert store.corrections() == []
        assert "Renamed" not in {a["name"] for a in store.actor_rows()}
    small = client.post(path, content=_chunked_form(fields, 1 << 16), headers=headers,
                        follow_redirects=False)
    assert small.status_code in (200, 303), small.text  # under the limit: the write happens


def test_the_body_limit_stops_reading_a_stream_once_it_is_over(db: Path) -> None:
    """Counted as the chunks arrive: a 100 MiB stream is cut off after about 1 MiB."""
    import anyio

    app = create_app(db, coder="ann", allowed_hosts=["testserver"])
    pulled = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * (1 << 16), "more_body": pulled < 1600}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/correct", "raw_path": b"/api/correct", "query_string": b"",
             "root_path": "", "client": ("127.0.0.1", 1), "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"),
                         (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"transfer-encoding", b"chunked")]}
    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 413
    assert pulled <= (1 << 20) // (1 << 16) + 1  # 17 chunks of 64 KiB, not 1600
    assert b"too large" in b"".join(m.get("body", b"") for m in sent[1:])


def test_a_store_locked_past_the_wait_is_503_with_retry_after(client: TestClient, db: Path,
                                                              monkeypatch) -> None:
    import saidwhat.web.app as web_app

    monkeypatch.setattr(web_app, "WRITE_WAIT_S", 0.2)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a run committing a batch, for longer than the wait
    try:
        r = post(client, doc_id="d1", action="accept", quote_id="q1")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert r.status_code == 503 and "busy" in r.text and "try again" in r.text
    assert int(r.headers["retry-after"]) > 0
    assert post(client, doc_id="d1", action="accept", quote_id="q1").status_code == 200


def test_other_store_errors_are_a_500_that_names_the_problem(client: TestClient,
                                                             db: Path) -> None:
    """Only a busy store is 503; a missing table (an older or damaged store) or a file that
    is no database will not pass by trying again."""
    t = token(client)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE corrections")
    conn.commit()
    conn.close()
    for r in (client.get("/orphans"),
              client.post("/api/correct", data={"doc_id": "d1", "action": "accept",
                                                "quote_id": "q1", "csrf_token": t},
                          headers={"HX-Request": "true"})):
        assert r.status_code == 500, r.text
        assert "no such table: corrections" in r.text and str(db) in r.text
        assert "busy" not in r.text and "try again" not in r.text
        assert "retry-after" not in r.headers
    page = client.get("/orphans", headers={"accept": "text/html"})
    assert "<h1>Error 500</h1>" in page.text and "no such table" in page.text
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not an SQLite file " * 200)
    r = client.get("/")
    assert r.status_code == 500 and "not a database" in r.text and str(db) in r.text
    assert "busy" not in r.text
