"""Gold attributions: the data model every gold reader yields, and the saidwhat JSON gold format.

A gold span is a tuple of ``(start, end)`` parts (discontinuous spans have several parts);
an empty tuple means "not there" (e.g. an attribution without a source). The JSON format is
written by hand, so spans may be given by their text; see docs/gold-format.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import QuoteKind, Speaker
from ..quotemarks import DOUBLE_CLOSING, DOUBLE_OPENING

Part = tuple[int, int]
Spans = tuple[Part, ...]

ROLES = ("content", "cue", "source", "channel")
KINDS: tuple[QuoteKind, ...] = ("direct", "indirect", "mixed")
SPEAKER_TYPES = ("person", "organization", "anonymous", "unknown")

# Double quotation marks only: single ones double as apostrophes ("It’s").
OPENING_QUOTES = DOUBLE_OPENING
CLOSING_QUOTES = DOUBLE_CLOSING
EDGE_PUNCT = " \t\r\n.,;:"


class GoldFormatError(ValueError):
    """A gold file (or one document in it) cannot be read; the message names file and reason."""


@dataclass(slots=True)
class GoldAttribution:
    """One annotated attribution. ``speaker`` is None where the gold does not annotate it."""

    content: Spans
    cue: Spans = ()
    source: Spans = ()
    channel: Spans = ()
    speaker: Speaker | None = None
    kind: QuoteKind = "indirect"
    kind_given: bool = False
    id: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # e.g. DNA variables

    def span(self, role: str) -> Spans:
        return getattr(self, role)  # type: ignore[no-any-return]


@dataclass(slots=True)
class GoldDocument:
    """An article with its gold attributions.

    ``annotated`` names what this gold annotates at all (brat has no speakers, DNA no cues),
    so the scorer leaves the rest out instead of counting it as wrong.
    """

    doc_id: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)
    path: str = ""
    annotated: frozenset[str] = frozenset({"content", "cue", "source", "channel", "speaker"})
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class GoldSet:
    """What a reader returns: the documents it could read, one error per document it could not
    read, and one warning per annotation it skipped inside a document it did read."""

    documents: list[GoldDocument] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # documents skipped
    warnings: list[str] = field(default_factory=list)  # parts of documents skipped
    format: str = ""


def span_text(text: str, spans: Spans, sep: str = " … ") -> str:
    return sep.join(text[a:b] for a, b in spans)


def infer_kind(text: str, content: Spans) -> QuoteKind:
    """direct / indirect / mixed from the quotation marks around and inside the content parts."""
    states = [_quote_state(text, a, b) for a, b in content]
    if states and all(s == "quoted" for s in states):
        return "direct"
    if all(s == "none" for s in states):
        return "indirect"
    return "mixed"


def _quote_state(text: str, start: int, end: int) -> str:
    core = text[start:end].strip(EDGE_PUNCT)
    if not core:
        return "none"
    before = text[max(0, start - 3):start].rstrip()
    after = text[end:end + 4].lstrip(EDGE_PUNCT)
    opens = core.startswith(OPENING_QUOTES) or before.endswith(OPENING_QUOTES)
    closes = core.endswith(CLOSING_QUOTES) or after.startswith(CLOSING_QUOTES)
    if opens and closes:
        return "quoted"
    if any(q in core for q in OPENING_QUOTES + CLOSING_QUOTES):
        return "partly"
    return "none"


# --------------------------------------------------------------------------- JSON gold

_DOC_KEYS = {"doc_id", "text", "text_file", "attributions", "meta"}
_ATTR_KEYS = {"content", "cue", "source", "channel", "speaker", "kind", "id", "note"}
_SPAN_KEYS = {"start", "end", "text", "occurrence", "after"}
_SPEAKER_KEYS = {"name", "type", "role", "affiliation"}


def read_json_gold(path: str | Path) -> GoldSet:
    """Read a saidwhat gold ``.json`` (one document), ``.jsonl`` (one per line) or a folder of them."""
    path = Path(path)
    out = GoldSet(format="saidwhat-json")
    if path.is_dir():
        files = sorted(p for p in path.iterdir()
                       if p.is_file() and p.suffix.lower() in (".json", ".jsonl"))
        if not files:
            raise GoldFormatError(f"{path}: no .json or .jsonl gold files in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise GoldFormatError(f"{path}: no such file or folder")
    for file in files:
        for doc_or_error in _read_json_file(file):
            if isinstance(doc_or_error, str):
                out.errors.append(doc_or_error)
            else:
                out.documents.append(doc_or_error)
    _check_unique_ids(out)
    return out


def _check_unique_ids(gold: GoldSet) -> None:
    seen: dict[str, str] = {}
    kept = []
    for doc in gold.documents:
        if doc.doc_id in seen:
            gold.errors.append(f"{doc.path}: doc_id '{doc.doc_id}' already used by {seen[doc.doc_id]};"
                               " this copy is skipped")
            continue
        seen[doc.doc_id] = doc.path
        kept.append(doc)
    gold.documents = kept


def _read_json_file(file: Path) -> Iterator[GoldDocument | str]:
    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield f"{file}: cannot read: {exc}"
        return
    if file.suffix.lower() == ".jsonl":
        for lineno, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{file}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"{where}: invalid JSON: {exc.msg} (column {exc.colno})"
                continue
            yield _doc_or_error(obj, file, where, f"{file.stem}:{lineno}")
    else:
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield f"{file}: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            return
        yield _doc_or_error(obj, file, str(file), file.stem)


def _doc_or_error(obj: Any, file: Path, where: str, default_id: str) -> GoldDocument | str:
    try:
        return parse_gold_document(obj, base_dir=file.parent, where=where, default_id=default_id)
    except GoldFormatError as exc:
        return str(exc)


def parse_gold_document(obj: Any, base_dir: Path | None = None, where: str = "<gold>",
                        default_id: str = "doc") -> GoldDocument:
    """One gold document from its JSON object; raises GoldFormatError naming ``where``."""
    if not isinstance(obj, dict):
        raise GoldFormatError(f"{where}: a gold document must be a JSON object, got {type(obj).__name__}")
    unknown = set(obj) - _DOC_KEYS
    if unknown:
        raise GoldFormatError(f"{where}: unknown document field(s) {sorted(unknown)}")
    doc_id = str(obj.get("doc_id") or default_id)
    where = f"{where}: doc '{doc_id}'"
    text = _document_text(obj, base_dir, where)
    attrs = obj.get("attributions")
    if not isinstance(attrs, list):
        raise GoldFormatError(f"{where}: 'attributions' must be a list")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise GoldFormatError(f"{where}: 'meta' must be an object")
    gold = [_parse_attribution(a, text, f"{where} attribution {i}", i) for i, a in enumerate(attrs)]
    return GoldDocument(doc_id=doc_id, text=text, attributions=gold,
                        path=where.split(": doc ")[0], meta=dict(meta))


def _document_text(obj: dict[str, Any], base_dir: Path | None, where: str) -> str:
    if ("text" in obj) == ("text_file" in obj):
        raise GoldFormatError(f"{where}: give exactly one of 'text' and 'text_file'")
    if "text" in obj:
        if not isinstance(obj["text"], str):
            raise GoldFormatError(f"{where}: 'text' must be a string")
        return obj["text"]
    rel = obj["text_file"]
    if not isinstance(rel, str):
        raise GoldFormatError(f"{where}: 'text_file' must be a string")
    target = (base_dir or Path.cwd()) / rel
    from ..readers import ReadError, read_text_file

    try:
        # the text exactly as `saidwhat extract` reads the file (\r\n kept, invalid UTF-8
        # replaced), so gold offsets and predicted offsets refer to the same text
        return read_text_file(target)
    except ReadError as exc:
        raise GoldFormatError(f"{where}: cannot read text_file {target}: {exc}") from exc


def _parse_attribution(a: Any, text: str, where: str, index: int) -> GoldAttribution:
    if not isinstance(a, dict):
        raise GoldFormatError(f"{where}: must be an object")
    unknown = set(a) - _ATTR_KEYS
    if unknown:
        raise GoldFormatError(f"{where}: unknown field(s) {sorted(unknown)}")
    if a.get("content") in (None, [], ""):
        raise GoldFormatError(f"{where}: 'content' is required")
    content = _resolve_content(a["content"], text, f"{where} content")
    spans: dict[str, Spans] = {}
    for role in ("cue", "source", "channel"):
        spans[role] = _resolve_near(a.get(role), text, content, f"{where} {role}")
    kind_raw = a.get("kind")
    if kind_raw is not None and kind_raw not in KINDS:
        raise GoldFormatError(f"{where}: kind must be one of {list(KINDS)}, got {kind_raw!r}")
    kind: QuoteKind = kind_raw if kind_raw is not None else infer_kind(text, content)
    return GoldAttribution(content=content, cue=spans["cue"], source=spans["source"],
                           channel=spans["channel"], speaker=_parse_speaker(a.get("speaker"), where),
                           kind=kind, kind_given=kind_raw is not None,
                           id=str(a.get("id") or f"g{index + 1}"))


def _parse_speaker(s: Any, where: str) -> Speaker | None:
    if s is None:
        return None
    if not isinstance(s, dict):
        raise GoldFormatError(f"{where} speaker: must be an object")
    unknown = set(s) - _SPEAKER_KEYS
    if unknown:
        raise GoldFormatError(f"{where} speaker: unknown field(s) {sorted(unknown)}")
    stype = s.get("type") or "unknown"
    if stype not in SPEAKER_TYPES:
        raise GoldFormatError(f"{where} speaker: type must be one of {list(SPEAKER_TYPES)}, got {stype!r}")
    for key in ("name", "role", "affiliation"):
        if s.get(key) is not None and not isinstance(s[key], str):
            raise GoldFormatError(f"{where} speaker: {key} must be a string or null")
    return Speaker(name=s.get("name") or None, type=stype, role=s.get("role"),
                   affiliation=s.get("affiliation"))


def _as_parts(value: Any, where: str) -> list[Any]:
    parts = value if isinstance(value, list) else [value]
    if not parts:
        raise GoldFormatError(f"{where}: empty list of spans")
    return parts


def _resolve_content(value: Any, text: str, where: str) -> Spans:
    out: list[Part] = []
    for i, spec in enumerate(_as_parts(value, where)):
        w = where if not isinstance(value, list) else f"{where} part {i}"
        if out and _is_plain_text(spec):
            # later parts of a discontinuous content follow the previous part
            out.append(_find_after(_span_text_of(spec), text, out[-1][1], w))
        else:
            out.append(_resolve_one(spec, text, w, ambiguous_ok=False))
    return _check_order(tuple(out), where)


def _resolve_near(value: Any, text: str, content: Spans, where: str) -> Spans:
    if value is None:
        return ()
    out: list[Part] = []
    for i, spec in enumerate(_as_parts(value, where)):
        w = where if not isinstance(value, list) else f"{where} part {i}"
        if _is_plain_text(spec):
            out.append(_find_nearest(_span_text_of(spec), text, content, w))
        else:
            out.append(_resolve_one(spec, text, w, ambiguous_ok=False))
    return _check_order(tuple(out), where)


def _check_order(spans: Spans, where: str) -> Spans:
    for (_, b), (c, _) in zip(spans, spans[1:], strict=False):
        if c < b:
            raise GoldFormatError(f"{where}: the parts overlap or are not in text order")
    return spans


def _is_plain_text(spec: Any) -> bool:
    return isinstance(spec, str) or (isinstance(spec, dict) and set(spec) == {"text"})


def _span_text_of(spec: Any) -> str:
    s = spec if isinstance(spec, str) else spec["text"]
    if not isinstance(s, str) or not s:
        raise GoldFormatError(f"span text must be a non-empty string, got {s!r}")
    return s


def _occurrences(needle: str, text: str, start: int = 0) -> list[int]:
    found = []
    i = text.find(needle, start)
    while i != -1:
        found.append(i)
        i = text.find(needle, i + 1)
    return found


def _resolve_one(spec: Any, text: str, where: str, ambiguous_ok: bool) -> Part:
    if isinstance(spec, str):
        spec = {"text": spec}
    if not isinstance(spec, dict):
        raise GoldFormatError(f"{where}: a span is a string or an object, got {type(spec).__name__}")
    unknown = set(spec) - _SPAN_KEYS
    if unknown:
        raise GoldFormatError(f"{where}: unknown span field(s) {sorted(unknown)}")
    if "start" in spec or "end" in spec:
        return _resolve_offsets(spec, text, where)
    if "text" not in spec:
        raise GoldFormatError(f"{where}: a span needs 'start'/'end' or 'text'")
    needle = spec["text"]
    if not isinstance(needle, str) or not needle:
        raise GoldFormatError(f"{where}: 'text' must be a non-empty string")
    origin = 0
    if "after" in spec:
        anchor = spec["after"]
        if not isinstance(anchor, str) or not anchor:
            raise GoldFormatError(f"{where}: 'after' must be a non-empty string")
        pos = text.find(anchor)
        if pos == -1:
            raise GoldFormatError(f"{where}: anchor {anchor!r} not found in the document text")
        origin = pos + len(anchor)
    hits = _occurrences(needle, text, origin)
    label = f"text {needle!r}" + (f" after {spec['after']!r}" if "after" in spec else "")
    if not hits:
        raise GoldFormatError(f"{where}: {label} not found in the document text")
    if "occurrence" in spec:
        n = spec["occurrence"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise GoldFormatError(f"{where}: 'occurrence' must be an integer >= 1, got {n!r}")
        if n > len(hits):
            raise GoldFormatError(f"{where}: {label} occurs {len(hits)} time(s), not {n}")
        i = hits[n - 1]
    elif len(hits) > 1 and not ambiguous_ok and "after" not in spec:
        raise GoldFormatError(f"{where}: {label} occurs {len(hits)} times: add 'occurrence' or 'after'")
    else:
        i = hits[0]
    return (i, i + len(needle))


def _resolve_offsets(spec: dict[str, Any], text: str, where: str) -> Part:
    start, end = spec.get("start"), spec.get("end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise GoldFormatError(f"{where}: 'start' and 'end' must both be integers")
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        raise GoldFormatError(f"{where}: offsets {start}..{end} are outside the text (length {len(text)})"
                              " or empty")
    if "text" in spec and spec["text"] != text[start:end]:
        raise GoldFormatError(f"{where}: offsets {start}..{end} cover {text[start:end]!r},"
                              f" not {spec['text']!r}")
    if "occurrence" in spec or "after" in spec:
        raise GoldFormatError(f"{where}: 'occurrence'/'after' cannot be combined with offsets")
    return (start, end)


def _find_after(needle: str, text: str, origin: int, where: str) -> Part:
    i = text.find(needle, origin)
    if i == -1:
        raise GoldFormatError(f"{where}: text {needle!r} not found after the previous part")
    return (i, i + len(needle))


def _find_nearest(needle: str, text: str, content: Spans, where: str) -> Part:
    hits = _occurrences(needle, text)
    if not hits:
        raise GoldFormatError(f"{where}: text {needle!r} not found in the document text")
    if len(hits) == 1:
        return (hits[0], hits[0] + len(needle))
    lo, hi = content[0][0], content[-1][1]

    def distance(i: int) -> int:
        j = i + len(needle)
        return max(0, lo - j if j <= lo else i - hi)  # 0: in the gap of a discontinuous content

    candidates = [i for i in hits
                  if not any(i < b and a < i + len(needle) for a, b in content)]
    if not candidates:
        raise GoldFormatError(f"{where}: text {needle!r} occurs only inside the content")
    ranked = sorted(candidates, key=distance)
    if len(ranked) > 1 and distance(ranked[0]) == distance(ranked[1]):
        raise GoldFormatError(f"{where}: text {needle!r} is equally near the content twice:"
                              " add 'occurrence' or 'after'")
    return (ranked[0], ranked[0] + len(needle))
