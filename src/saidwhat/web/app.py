"""``saidwhat serve``: a local web app over the store, to check, correct and code a corpus.

Starlette routes, Jinja2 templates (autoescaped), htmx for the partial updates and
Cytoscape.js for the network, both vendored under ``static/vendor`` (see docs/review.md).

Safety: every value reaches the page through Jinja2's escaping (and JSON through
``tojson``); scripts come only from this app (a Content-Security-Policy without inline
scripts or eval); writes need the server's CSRF token; the Host header must name the
server (no DNS rebinding); requests name documents, attributions and formats, never files;
a malformed request gets a 4xx with a message, never a traceback.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..store.corrections import AGREEMENTS, SPEAKER_TYPES, CorrectionError
from ..store.db import ActorEditError, Store, StoreError, damage_message, is_damage
from . import network_view
from .render import safe_url, segments, speaker_label

HERE = Path(__file__).parent
PAGE_SIZE = 50
MAX_BODY = 1 << 20  # a form is a few hundred bytes; anything over 1 MiB is refused
WRITE_WAIT_S = 10.0  # a write waits this long for a run's batch commit; then 503
RETRY_AFTER_S = 5  # what a 503 (store busy) tells the client to wait before trying again
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
EXPORT_TYPES = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml",
                "csv": "text/csv", "dna": "application/x-sqlite3"}


class BadRequest(HTTPException):
    def __init__(self, detail: str, status_code: int = 400) -> None:
        super().__init__(status_code=status_code, detail=detail)


def too_large() -> BadRequest:
    return BadRequest(f"request too large (over {MAX_BODY / (1 << 20):g} MiB)", 413)


class ReviewApp:
    """The app's state: the store path, codebook, coder and the CSRF token."""

    def __init__(self, db: str | Path, *, codebook: str | Path | None = None,
                 coder: str = "coder", allowed_hosts: list[str] | None = None,
                 nlp: Any = None) -> None:
        self.db = Path(db)
        self.coder = coder.strip() or "coder"
        self.token = secrets.token_urlsafe(32)
        self.codebook = None
        self.nlp = nlp
        if codebook is not None:
            from ..network.codebook import load_codebook

            self.codebook = load_codebook(codebook)  # CodebookError names file and line
        with Store(self.db, create=False):  # upgrade to the corrections layer, once
            pass
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html"], default=True))
        self.env.globals.update(app=self, agreements=AGREEMENTS, speaker_types=SPEAKER_TYPES,
                                speaker_label=speaker_label)
        self.env.filters["safe_url"] = safe_url
        self.allowed_hosts = allowed_hosts or list(LOOPBACK_HOSTS)

    # -- plumbing -----------------------------------------------------------------------
    @contextmanager
    def reader(self) -> Iterator[Store]:
        with Store(self.db, readonly=True) as store:
            yield store

    @contextmanager
    def writer(self) -> Iterator[Store]:
        with Store(self.db, create=False) as store:
            store.set_busy_timeout(WRITE_WAIT_S)  # a run's batch commit comes first
            yield store

    def page(self, name: str, request: Request, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(request=request, token=self.token, **values)
        return HTMLResponse(html, status_code=status)

    async def form(self, request: Request) -> dict[str, str]:
        """The POSTed form, after the CSRF check; only plain string fields."""
        try:
            size = int(request.headers.get("content-length") or 0)
        except ValueError:
            raise BadRequest("bad Content-Length") from None
        if size > MAX_BODY:
            raise too_large()
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise BadRequest("send a form (application/x-www-form-urlencoded)", 415)
        try:
            data = await request.form(max_files=0, max_fields=100)
        except HTTPException:  # BodyLimit's refusal of a body that streams past MAX_BODY
            raise
        except Exception as exc:  # the form parser's refusal of broken bodies
            raise BadRequest(f"malformed form: {exc}") from None
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
        sent = request.headers.get("x-csrf-token") or fields.get("csrf_token") or ""
        if not hmac.compare_digest(sent.encode(), self.token.encode()):
            raise BadRequest("missing or wrong CSRF token: reload the page", 403)
        return fields


def _int(fields: dict[str, str], name: str, required: bool = True) -> int | None:
    value = (fields.get(name) or "").strip()
    if not value:
        if required:
            raise BadRequest(f"{name} is required")
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be a whole number, not {value[:40]!r}") from None


def _required(fields: dict[str, str], name: str) -> str:
    value = (fields.get(name) or "").strip()
    if not value:
        raise BadRequest(f"{name} is required")
    return value


def _span(fields: dict[str, str], role: str) -> dict[str, int] | None:
    start, end = _int(fields, f"{role}_start", False), _int(fields, f"{role}_end", False)
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise BadRequest(f"{role}: give both start and end")
    return {"start": start, "end": end}


# -- pages ------------------------------------------------------------------------------
def _filters(request: Request) -> dict[str, Any]:
    q = request.query_params
    reviewed = q.get("reviewed", "")
    if reviewed not in ("", "yes", "no"):
        raise BadRequest("reviewed must be yes, no or empty")
    try:
        page = max(1, int(q.get("page") or 1))
    except ValueError:
        raise BadRequest("page must be a whole number") from None
    if page > 1_000_000:
        raise BadRequest("page is too large")
    out = {k: (q.get(k) or "").strip()[:200] for k in ("outlet", "since", "until", "speaker",
                                                       "concept", "q")}
    from ..dates import user_date

    for k in ("since", "until"):
        if out[k]:
            try:
                user_date(out[k], k)
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
    out.update(reviewed=reviewed, page=page)
    return out


async def corpus(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    f = _filters(request)
    with app.reader() as store:
        rows, more = store.corpus_page(
            outlet=f["outlet"] or None, since=f["since"] or None, until=f["until"] or None,
            speaker=f["speaker"] or None, concept=f["concept"] or None,
            reviewed={"yes": True, "no": False}.get(f["reviewed"]), search=f["q"] or None,
            offset=(f["page"] - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        reviewed = set(store.reviewed_doc_ids())
        outlets = store.outlets()
        counts = store.status_counts() if not any(f[k] for k in (
            "outlet", "since", "until", "speaker", "concept", "reviewed", "q")) else None
    base = {k: v for k, v in f.items() if v and k != "page"}
    pages = {"prev": urlencode({**base, "page": f["page"] - 1}) if f["page"] > 1 else None,
             "next": urlencode({**base, "page": f["page"] + 1}) if more else None}
    concepts = [c.id for c in app.codebook] if app.codebook else []
    return app.page("corpus.html", request, rows=rows, filters=f, reviewed=reviewed,
                    outlets=outlets, pages=pages, counts=counts, concepts=concepts)


def _doc_id(request: Request, fields: dict[str, str] | None = None) -> str:
    doc_id = (fields or {}).get("doc_id") or request.query_params.get("id") or ""
    if not doc_id:
        raise BadRequest("which document? (?id=DOC_ID)")
    return doc_id


def _review_values(app: ReviewApp, store: Store, doc_id: str) -> dict[str, Any]:
    doc = store.document_view(doc_id)
    if doc is None:
        raise BadRequest(f"no document {doc_id!r}", 404)
    view = store.reviewed_document(doc_id)
    if view is None:  # removed between the two reads
        raise BadRequest(f"no document {doc_id!r}", 404)
    actors = store.actor_names()
    used = sorted({c.value.get("concept") for c in view.corrections if c.kind == "code"} - {None})
    concepts = ([(c.id, c.label) for c in app.codebook] if app.codebook
                else [(c, c) for c in used])
    prv, nxt = store.neighbour_docs(doc["pk"])
    history = store.corrections(doc_id, include_undone=True)[-30:][::-1]
    return {"doc": doc, "view": view, "segments": segments(doc["text"], view.quotes),
            "actors": actors, "concepts": concepts, "history": history,
            "next_id": nxt, "prev_id": prv}


async def document(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    doc_id = _doc_id(request)
    with app.reader() as store:
        values = _review_values(app, store, doc_id)
    return app.page("document.html", request, **values)


def _after_write(request: Request, app: ReviewApp, doc_id: str,
                 message: str = "") -> Response:
    if request.headers.get("hx-request") != "true":  # a plain form: back to the page
        return RedirectResponse(f"/doc?{urlencode({'id': doc_id})}", status_code=303)
    with app.reader() as store:
        values = _review_values(app, store, doc_id)
    return app.page("_review.html", request, message=message, **values)


async def correct(request: Request) -> Response:
    """POST /api/correct: one correction (``action`` accept, reject, speaker, span, add,
    code, reviewed, undo) for the document ``doc_id``."""
    app: ReviewApp = request.app.state.review
    fields = await app.form(request)
    doc_id = _doc_id(request, fields)
    action = _required(fields, "action")
    quote_id = (fields.get("quote_id") or "").strip() or None
    value: dict[str, Any] = {}
    if action == "speaker":
        name = (fields.get("name") or "").strip()
        value = {"name": name or None, "type": fields.get("type") or None,
                 "role": fields.get("role") or None,
                 "affiliation": fields.get("affiliation") or None}
    elif action == "span":
        role = _required(fields, "role")
        span = _span(fields, "span")
        value = {"role": role, **(span or {"start": None, "end": None})}
    elif action == "add":
        value = {"kind": fields.get("kind") or "indirect", "content": _span(fields, "content"),
                 "cue": _span(fields, "cue"), "source": _span(fields, "source"),
                 "speaker": {"name": (fields.get("name") or "").strip() or None,
                             "type": fields.get("type") or None,
                             "role": fields.get("role") or None}}
        if value["content"] is None:
            raise BadRequest("add: select the content first")
    elif action == "code":
        agreement = fields.get("agreement") or None
        value = {"concept": _required(fields, "concept"),
                 "agreement": None if agreement == "remove" else agreement}
        known = [c.id for c in app.codebook] if app.codebook else None
        if known is not None and value["concept"] not in known:
            raise BadRequest(f"code: concept {value['concept'][:80]!r} is not in the codebook "
                             f"({', '.join(known)})")
    elif action == "reviewed":
        value = {"reviewed": fields.get("reviewed", "1") not in ("0", "false", "")}
    elif action not in ("accept", "reject", "undo"):
        raise BadRequest(f"unknown action {action[:40]!r}")
    try:
        with app.writer() as store:
            if action == "undo":
                undone = store.undo_correction(coder=app.coder, doc_id=doc_id,
                                               correction_id=_int(fields, "correction_id",
                                                                  False))
                message = f"undid #{undone.id} ({undone.kind})" if undone else "nothing to undo"
                return _after_write(request, app, doc_id, message)
            if action == "speaker" and value["name"]:
                value.update(_actor_ref(store, value["name"]))
            cid = store.add_correction(doc_id, action, coder=app.coder, quote_id=quote_id,
                                       value=value)
    except CorrectionError as exc:
        status = 404 if str(exc).startswith("no document") else 400
        raise BadRequest(str(exc), status) from None
    return _after_write(request, app, doc_id, f"saved #{cid} ({action})")


def _actor_ref(store: Store, name: str) -> dict[str, Any]:
    """An existing actor of that name (its id), or nothing (a new speaker)."""
    if store.version < 5:
        return {}
    found = store.actor_id_of(name)
    return {"actor_id": found} if found is not None else {}


async def orphans(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    with app.reader() as store:
        rows = store.orphaned_corrections()
    return app.page("orphans.html", request, rows=rows)


async def actors_page(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    needle = (request.query_params.get("q") or "").strip()[:200].casefold()
    with app.reader() as store:
        if store.version < 5:
            raise BadRequest("this store has no actor table (schema version < 5)", 409)
        rows = [a for a in store.actor_rows()
                if not needle or needle in a["name"].casefold()
                or any(needle in x.casefold() for x in a["aliases"])]
    return app.page("actors.html", request, rows=rows[:500], total=len(rows), q=needle,
                    message=request.query_params.get("done", "")[:200])


async def actors_edit(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    fields = await app.form(request)
    action = _required(fields, "action")
    try:
        with app.writer() as store:
            if action == "merge":
                n = store.merge_actors(_required(fields, "into"), _required(fields, "other"))
                done = f"merged into actor {n}"
            elif action == "rename":
                n = store.rename_actor(_required(fields, "actor"), _required(fields, "name"))
                done = f"renamed actor {n}"
            elif action == "split":
                n = store.split_alias(_required(fields, "alias"),
                                      (fields.get("name") or "").strip() or None)
                done = f"split into actor {n}"
            else:
                raise BadRequest(f"unknown action {action[:40]!r}")
    except ActorEditError as exc:
        raise BadRequest(str(exc)) from None
    return RedirectResponse(f"/actors?{urlencode({'done': done})}", status_code=303)


def _network_args(request: Request, app: ReviewApp) -> tuple[str, bool]:
    if app.codebook is None:
        raise BadRequest("start the server with --codebook FILE to see networks", 409)
    kind = request.query_params.get("type", "two-mode")
    if kind not in network_view.NETWORK_TYPES:
        raise BadRequest(f"type must be one of {', '.join(network_view.NETWORK_TYPES)}")
    coding = request.query_params.get("coding", "hand")
    if coding not in ("hand", "all"):
        raise BadRequest("coding must be hand or all")
    return kind, coding == "all"


def _network(app: ReviewApp, kind: str, machine: bool) -> network_view.ReviewedNetwork:
    with app.reader() as store:
        try:
            if machine and app.nlp is None:  # loaded once, on the first machine-coded view
                from ..nlp import load_nlp

                app.nlp = load_nlp()
            return network_view.build(store, app.codebook, kind, machine=machine, nlp=app.nlp)
        except RuntimeError as exc:  # no spaCy model for machine coding
            raise BadRequest(str(exc), 409) from None


async def network_page(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    if app.codebook is None:
        return app.page("network.html", request, net=None, kind="two-mode", coding="hand",
                        elements=[])
    kind, machine = _network_args(request, app)
    net = _network(app, kind, machine)
    return app.page("network.html", request, net=net, kind=kind,
                    coding="all" if machine else "hand",
                    elements=network_view.elements(net.graph))


async def network_export(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    kind, machine = _network_args(request, app)
    fmt = request.query_params.get("format", "")
    if fmt not in EXPORT_TYPES:
        raise BadRequest(f"format must be one of {', '.join(EXPORT_TYPES)}")
    net = _network(app, kind, machine)
    with tempfile.TemporaryDirectory(prefix="saidwhat-serve-") as tmp:
        try:
            data = network_view.export_bytes(net, app.codebook, fmt, Path(tmp))
        except ValueError as exc:  # an exporter's refusal
            raise BadRequest(str(exc), 409) from None
    name = f"network-{kind}.{fmt}"
    return Response(data, media_type=EXPORT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def codings_json(request: Request) -> Response:
    app: ReviewApp = request.app.state.review
    coder = request.query_params.get("coder") or None
    with app.reader() as store:
        rows = [{"doc_id": c.doc_id, "quote_id": c.quote_id, "anchor": c.anchor.to_dict(),
                 "concept": c.concept, "agreement": c.agreement, "coder": c.coder,
                 "status": c.status} for c in store.codings(coder)]
    return JSONResponse(rows)


# -- errors and headers -------------------------------------------------------------------
log = logging.getLogger(__name__)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else "bad request"
    return _error_response(request, exc.status_code, detail)


def _error_response(request: Request, status: int, detail: str,
                    headers: dict[str, str] | None = None) -> Response:
    app: ReviewApp = request.app.state.review
    if len(detail) > 500:  # a message quoting a huge parameter stays readable
        detail = detail[:500] + "…"
    # htmx shows the text in its flash line; scripts get text; a browser's plain form post
    # or page (Accept: text/html) gets a page with the navigation and a way back
    wants_page = "text/html" in request.headers.get("accept", "")
    if request.headers.get("hx-request") == "true" or not (
            wants_page or not request.url.path.startswith("/api/")):
        return Response(detail, status_code=status, media_type="text/plain",
                        headers=headers)
    back = "/actors" if request.url.path == "/api/actors" else None
    page = app.page("error.html", request, status=status, detail=detail, code=status,
                    back=back)
    page.headers.update(headers or {})
    return page


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying another connection holds the lock (busy, locked)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "is locked" in str(exc)  # errors raised without a code


async def store_error(request: Request, exc: Exception) -> Response:
    """The store could not answer: busy (a run holds the write lock past WRITE_WAIT_S) is
    503 with Retry-After; anything else (a table missing, a damaged file, not a store) will
    not pass by waiting, so it is a 500 that names the problem."""
    app: ReviewApp = request.app.state.review
    if is_busy(exc):
        return _error_response(
            request, 503, f"the store is busy (a run is writing to it): try again in a few "
                          f"seconds ({exc})", headers={"Retry-After": str(RETRY_AFTER_S)})
    log.error("store error on %s", request.url.path, exc_info=exc)
    if isinstance(exc, StoreError):
        detail = str(exc)  # names the file and the reason
    elif is_damage(exc):
        detail = damage_message(app.db, exc)
    elif "no such table" in str(exc) or "no such column" in str(exc):
        detail = (f"{app.db}: {exc} (the store lacks part of the schema this saidwhat "
                  "expects: an older or damaged store; `saidwhat status --check` lists "
                  "the problems)")
    else:
        detail = f"{app.db}: {exc}"
    return _error_response(request, 500, f"the store cannot be used: {detail}")


async def server_error(request: Request, exc: Exception) -> Response:
    return Response("internal error (see the server's log)", status_code=500,
                    media_type="text/plain")


class BodyLimit:
    """Pure ASGI middleware: a request body is counted as it arrives and refused (413) once
    it passes ``limit`` bytes, whether or not it declared a Content-Length (a chunked body
    declares none); the rest is never read."""

    def __init__(self, app: Any, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise too_large()  # inside the endpoint's read: its error handler answers
            return message

        await self.app(scope, counted, send)


class SecurityHeaders:
    """Pure ASGI middleware: CSP and friends on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"cache-control", b"no-store")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(db: str | Path, *, codebook: str | Path | None = None, coder: str = "coder",
               allowed_hosts: list[str] | None = None, nlp: Any = None) -> Starlette:
    """The Starlette app over the store ``db`` (created by ingest; upgraded to schema
    version 6 here). ``allowed_hosts``: the Host names accepted (default: loopback)."""
    review = ReviewApp(db, codebook=codebook, coder=coder, allowed_hosts=allowed_hosts,
                       nlp=nlp)
    routes = [
        Route("/", corpus),
        Route("/doc", document),
        Route("/api/correct", correct, methods=["POST"]),
        Route("/orphans", orphans),
        Route("/actors", actors_page),
        Route("/api/actors", actors_edit, methods=["POST"]),
        Route("/network", network_page),
        Route("/network/export", network_export),
        Route("/api/codings", codings_json),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[
        Middleware(SecurityHeaders),
        Middleware(BodyLimit),
        Middleware(TrustedHostMiddleware, allowed_hosts=review.allowed_hosts)],
        exception_handlers={HTTPException: http_error, StoreError: store_error,
                            sqlite3.Error: store_error, Exception: server_error})
    app.state.review = review
    return app
