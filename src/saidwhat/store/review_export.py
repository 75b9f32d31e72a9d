"""Corrected data out: the documents marked reviewed, with the corrections applied, as gold.

``saidwhat export --format gold -o DIR``: one saidwhat JSON gold file per reviewed document
(docs/gold-format.md), so ``saidwhat eval --gold DIR`` scores the machine against the
researcher. ``--format brat``: ``DIR/text/NAME.txt`` and ``DIR/attributions/NAME_saidwhat.ann``
(the PolNeAR layout the brat gold reader takes). In a reviewed document every machine
attribution that was not rejected counts, with its corrected speaker and spans; added ones
count too. Both write a fresh folder that replaces ``DIR`` whole (:func:`atomic_folder`).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..atomic import atomic_folder
from .db import Store

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
SPEAKER_KEYS = ("name", "type", "role", "affiliation")
BRAT_ANNOTATOR = "saidwhat"


def file_stem(doc_id: str, taken: set[str]) -> str:
    """A file name for ``doc_id``: itself when it is plain (letters, digits, ``._-``), else
    a cleaned form with a hash of the id, so that no id names a path."""
    stem = _UNSAFE.sub("_", doc_id).strip("._")[:100] or "doc"
    if stem != doc_id or stem.casefold() in taken:
        stem = f"{stem}-{hashlib.sha1(doc_id.encode('utf-8', 'surrogatepass')).hexdigest()[:10]}"
    taken.add(stem.casefold())
    return stem


def _span(span: dict[str, Any] | None) -> dict[str, Any] | None:
    if not span or span.get("start") is None:
        return None
    return {"start": span["start"], "end": span["end"], "text": span["text"]}


def gold_record(doc_id: str, text: str, meta: dict[str, Any], quotes: list[Any],
                coder: str | None = None) -> dict[str, Any]:
    """A saidwhat JSON gold document from a reviewed document's kept attributions."""
    attributions = []
    for q in quotes:
        rec = q.quote
        speaker = rec.get("speaker") or {}
        attributions.append({
            "id": q.id, "kind": rec["kind"], "content": _span(rec["content"]),
            "cue": _span(rec.get("cue")), "source": _span(rec.get("source")),
            "channel": _span(rec.get("channel")),
            "speaker": {k: speaker.get(k) for k in SPEAKER_KEYS},
            "note": f"{q.origin}; {q.status}" + (f"; corrected: {', '.join(sorted(q.changed))}"
                                                 if q.changed else "")})
    return {"doc_id": doc_id, "text": text,
            "meta": {**meta, "reviewed_by": "saidwhat serve" if coder is None else coder},
            "attributions": attributions}


def write_gold(store: Store, output: str | Path, fmt: str = "gold",
               coder: str | None = None) -> dict[str, int]:
    """Write the reviewed documents as ``gold`` (JSON) or ``brat``; returns counts."""
    counts = {"documents": 0, "attributions": 0}
    taken: set[str] = set()
    with atomic_folder(output) as folder:
        if fmt == "brat":
            (folder / "text").mkdir()
            (folder / "attributions").mkdir()
        for doc, view in store.corrected_documents(reviewed_only=True, coder=coder):
            kept = view.kept()
            stem = file_stem(doc.doc_id, taken)
            if fmt == "gold":
                record = gold_record(doc.doc_id, doc.text, doc.meta, kept, coder)
                (folder / f"{stem}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            else:
                with open(folder / "text" / f"{stem}.txt", "w", encoding="utf-8",
                          newline="") as fh:
                    fh.write(doc.text)
                (folder / "attributions" / f"{stem}_{BRAT_ANNOTATOR}.ann").write_text(
                    brat_annotations(kept), encoding="utf-8", newline="\n")
            counts["documents"] += 1
            counts["attributions"] += len(kept)
    return counts


def _covered(text: str) -> str:
    """brat's covered-text column: one line, no tabs (else left empty: offsets decide)."""
    return "" if "\t" in text or "\r" in text else text.replace("\n", " ")


def brat_annotations(quotes: list[Any]) -> str:
    """One ``E`` line per attribution, with its Content, Cue and Source ``T`` spans and an
    Attribution trigger (on the cue, else the content)."""
    lines: list[str] = []
    n = 0

    def t(kind: str, span: dict[str, Any]) -> str:
        nonlocal n
        n += 1
        lines.append(f"T{n}\t{kind} {span['start']} {span['end']}\t{_covered(span['text'])}")
        return f"T{n}"

    for e, q in enumerate(quotes, 1):
        rec = q.quote
        content, cue, source = (_span(rec.get(r)) for r in ("content", "cue", "source"))
        assert content is not None
        args = [f"Content:{t('Content', content)}"]
        if cue:
            args.append(f"Cue:{t('Cue', cue)}")
        if source:
            args.append(f"Source:{t('Source', source)}")
        trigger = t("Attribution" if source else "Attribution-no-source", cue or content)
        lines.append(f"E{e}\t{'Attribution' if source else 'Attribution-no-source'}:{trigger} "
                     + " ".join(args))
    return "\n".join(lines) + ("\n" if lines else "")
