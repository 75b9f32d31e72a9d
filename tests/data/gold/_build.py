"""Build the gold JSON files of this folder from the hand-marked articles in ``_markup/``.

Why: offsets typed by hand go wrong; marking the spans inline and computing the offsets
does not. Each ``_markup/NAME.txt`` holds a header and the article with bracketed spans:

    conventions: UK
    a: direct | Jane Doe | person | transport secretary | -
    ---
    ‘[ca We will act,]’ [sa Ms Doe] [va said] [ha in a statement].

A tag is a role letter (``c`` content, ``v`` cue, ``s`` source, ``h`` channel) and the letter of
the attribution it belongs to; ``[sa,sb she]`` marks one span for two attributions. Tags nest.
Header fields: kind | speaker name | type | role | affiliation (``-`` for none).

Writes ``NAME.txt`` (the plain article) and ``NAME.json`` (saidwhat gold format, offsets with
their text, attributions in text order). ``python _build.py --check`` only verifies that the
files on disk are what the markup gives (exit 1 and a message otherwise).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKUP = HERE / "_markup"
ROLES = {"c": "content", "v": "cue", "s": "source", "h": "channel"}
OPENING = ("‘", "“", '"', "``")
CLOSING = ("’", "”", '"', "''")
TAG = re.compile(r"\[([cvsh][a-z](?:,[cvsh][a-z])*) ")
HEADER = re.compile(r"^([a-z]): (direct|indirect|mixed) \| ([^|]+) \| "
                    r"(person|organization|anonymous|unknown) \| ([^|]+) \| ([^|]+)$")


class MarkupError(ValueError):
    pass


def _opt(value: str) -> str | None:
    value = value.strip()
    return None if value == "-" else value


def parse(path: Path) -> tuple[str, dict, list[dict]]:
    raw = path.read_text(encoding="utf-8")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise MarkupError(f"{path}: no '---' line between header and article")
    meta: dict = {"source": "written by hand for saidwhat's tests; people, places and "
                            "organisations are fictional"}
    speakers: dict[str, dict] = {}
    for line in head.splitlines():
        if line.startswith("conventions:"):
            meta["conventions"] = line.split(":", 1)[1].strip()
            continue
        m = HEADER.match(line.strip())
        if not m:
            raise MarkupError(f"{path}: bad header line {line!r}")
        key, kind, name, stype, role, affiliation = m.groups()
        speakers[key] = {"kind": kind, "speaker": {"name": _opt(name), "type": stype,
                                                   "role": _opt(role),
                                                   "affiliation": _opt(affiliation)}}
    text_parts: list[str] = []
    pos = 0
    stack: list[tuple[list[str], int]] = []
    spans: dict[tuple[str, str], tuple[int, int]] = {}
    i = 0
    while i < len(body):
        m = TAG.match(body, i)
        if m:
            stack.append((m.group(1).split(","), pos))
            i = m.end()
            continue
        ch = body[i]
        if ch == "]":
            if not stack:
                raise MarkupError(f"{path}: unmatched ']' at markup offset {i}")
            tags, start = stack.pop()
            for tag in tags:
                role, key = ROLES[tag[0]], tag[1]
                if (role, key) in spans:
                    raise MarkupError(f"{path}: {tag} marked twice")
                if key not in speakers:
                    raise MarkupError(f"{path}: {tag} has no header line")
                spans[(role, key)] = (start, pos)
        elif ch == "[":
            raise MarkupError(f"{path}: '[' that is not a tag at markup offset {i}")
        else:
            text_parts.append(ch)
            pos += 1
        i += 1
    if stack:
        raise MarkupError(f"{path}: unclosed tag(s) {[t for t, _ in stack]}")
    text = "".join(text_parts)
    if not text.endswith("\n"):
        text += "\n"
    attributions = []
    for key, info in speakers.items():
        if ("content", key) not in spans:
            raise MarkupError(f"{path}: attribution {key} has no content span")
        rec: dict = {"kind": info["kind"]}
        for role in ("content", "cue", "source", "channel"):
            span = spans.get((role, key))
            rec[role] = None if span is None else {"start": span[0], "end": span[1],
                                                   "text": text[span[0]:span[1]]}
        rec["speaker"] = info["speaker"]
        _check_direct(path, key, text, rec)
        attributions.append(rec)
    attributions.sort(key=lambda r: (r["content"]["start"], r["content"]["end"]))
    for n, rec in enumerate(attributions, 1):
        rec["id"] = f"q{n}"
    return text, meta, attributions


def _check_direct(path: Path, key: str, text: str, rec: dict) -> None:
    """A direct quote's content sits between quotation marks; anything else is a markup slip."""
    if rec["kind"] != "direct":
        return
    start, end = rec["content"]["start"], rec["content"]["end"]
    if not text[:start].endswith(OPENING) or not text[end:].startswith(CLOSING):
        raise MarkupError(f"{path}: direct quote {key} is not enclosed in quotation marks")


def render(path: Path) -> dict[str, str]:
    """Return {file name: content} for one markup file."""
    text, meta, attributions = parse(path)
    words = len(text.split())
    if not 150 <= words <= 400:
        raise MarkupError(f"{path}: {words} words; keep articles between 150 and 400")
    doc = {"doc_id": path.stem, "text_file": f"{path.stem}.txt", "meta": meta,
           "attributions": [{"id": r.pop("id"), **r} for r in attributions]}
    return {f"{path.stem}.txt": text,
            f"{path.stem}.json": json.dumps(doc, ensure_ascii=False, indent=1) + "\n"}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in sorted(MARKUP.glob("*.txt")):
        for name, content in render(path).items():
            target = HERE / name
            if check:
                if not target.exists() or target.read_text(encoding="utf-8") != content:
                    stale.append(name)
            else:
                target.write_text(content, encoding="utf-8")
    if stale:
        print(f"out of date with _markup/: {', '.join(stale)}; run python {__file__}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
