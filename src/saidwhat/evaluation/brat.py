"""brat standoff gold as PolNeAR ships it: ``DIR/text/NAME.txt`` + ``DIR/attributions/NAME_XXXX.ann``.

One gold attribution per ``E`` line. When an article has several annotators' files, the first in
sorted file-name order is used, so every article counts once (docs/gold-format.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .gold import GoldAttribution, GoldDocument, GoldFormatError, GoldSet, Spans, infer_kind

_ROLE_OF_TYPE = {"Content": "content", "Cue": "cue", "Source": "source"}
_ATTRIBUTION_TYPES = {"Attribution", "Attribution-no-source"}
_USED_TYPES = set(_ROLE_OF_TYPE) | _ATTRIBUTION_TYPES
_ROLE_RE = re.compile(r"^([A-Za-z-]+?)\d*$")  # Content2 -> Content


@dataclass(frozen=True, slots=True)
class BratSpan:
    id: str
    type: str
    parts: Spans
    text: str


def is_brat_dir(path: Path) -> bool:
    return path.is_dir() and (path / "text").is_dir() and (path / "attributions").is_dir()


def choose_annotation_files(text_dir: Path, ann_dir: Path) -> dict[str, Path | None]:
    """Map each text stem to the annotation file used for it (first sorted ``STEM_XXXX.ann``)."""
    stems = sorted(p.stem for p in text_dir.glob("*.txt"))
    by_stem: dict[str, Path | None] = {s: None for s in stems}
    for ann in sorted(ann_dir.glob("*.ann")):
        stem = ann.stem
        if stem in by_stem:  # NAME.ann without an annotator suffix
            candidates = [stem]
        else:
            candidates = [stem.rsplit("_", 1)[0]] if "_" in stem else []
        for c in candidates:
            if c in by_stem and by_stem[c] is None:
                by_stem[c] = ann
    return by_stem


def read_brat(path: str | Path) -> GoldSet:
    """Read a brat folder; an article that cannot be read is reported in ``errors`` and skipped."""
    root = Path(path)
    if not is_brat_dir(root):
        raise GoldFormatError(f"{root}: not a brat folder (needs text/ and attributions/ sub-folders)")
    out = GoldSet(format="brat")
    chosen = choose_annotation_files(root / "text", root / "attributions")
    if not chosen:
        raise GoldFormatError(f"{root / 'text'}: no .txt files")
    for stem, ann in chosen.items():
        txt = root / "text" / f"{stem}.txt"
        if ann is None:
            out.errors.append(f"{txt}: no annotation file {stem}_XXXX.ann in {root / 'attributions'}")
            continue
        try:
            out.documents.append(read_brat_document(txt, ann, warnings=out.warnings))
        except GoldFormatError as exc:
            out.errors.append(str(exc))
    for ann in sorted((root / "attributions").glob("*.ann")):
        if ann.stem not in chosen and ann.stem.rsplit("_", 1)[0] not in chosen:
            out.errors.append(f"{ann}: no text file for it in {root / 'text'}")
    return out


def read_brat_document(txt: Path, ann: Path, doc_id: str | None = None,
                       warnings: list[str] | None = None) -> GoldDocument:
    """One article; events without a content are skipped with a message in ``warnings``."""
    from ..readers import ReadError, read_text_file

    try:
        text = read_text_file(txt)  # as `saidwhat extract` reads it: the same offsets
        lines = ann.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ReadError) as exc:
        raise GoldFormatError(f"{ann}: cannot read: {exc}") from exc
    spans: dict[str, BratSpan] = {}
    events: list[tuple[int, str, list[tuple[str, str]]]] = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line[0] not in "TE":
            continue  # A/R/#/N lines carry nothing we score
        where = f"{ann}:{lineno}"
        fields = line.split("\t")
        if line[0] == "T":
            span = _parse_t_line(fields, text, where)
            if span is not None:
                spans[span.id] = span
        else:
            if len(fields) < 2:
                raise GoldFormatError(f"{where}: malformed E line")
            args = []
            for arg in fields[1].split():
                role, sep, ref = arg.partition(":")
                if not sep:
                    raise GoldFormatError(f"{where}: malformed event argument {arg!r}")
                args.append((role, ref))
            events.append((lineno, fields[0], args))
    attributions = []
    for lineno, eid, args in events:
        where = f"{ann}:{lineno}"
        if not any(_ROLE_OF_TYPE.get(_base_role(role)) == "content" for role, _ in args):
            if warnings is not None:
                warnings.append(f"{where}: event {eid} has no Content; skipped")
            continue
        attributions.append(_event_to_attribution(eid, args, spans, text, where))
    return GoldDocument(doc_id=doc_id or txt.stem, text=text, attributions=attributions,
                        path=str(ann), annotated=frozenset({"content", "cue", "source"}),
                        meta={"annotation_file": ann.name})


def _parse_t_line(fields: list[str], text: str, where: str) -> BratSpan | None:
    if len(fields) < 2:
        raise GoldFormatError(f"{where}: malformed T line")
    head = fields[1].split(" ", 1)
    if head[0] not in _USED_TYPES:
        return None  # Discard, Discuss, ...
    if len(head) < 2:
        raise GoldFormatError(f"{where}: T line without offsets")
    parts = []
    for piece in head[1].split(";"):
        nums = piece.split()
        if len(nums) != 2 or not all(n.isdigit() for n in nums):
            raise GoldFormatError(f"{where}: bad offsets {head[1]!r}")
        a, b = int(nums[0]), int(nums[1])
        if not 0 <= a <= b <= len(text):
            raise GoldFormatError(f"{where}: offsets {a} {b} outside the text (length {len(text)})")
        parts.append((a, b))
    covered = fields[2] if len(fields) > 2 else ""
    # brat joins the parts of a discontinuous span with one space
    expected = " ".join(text[a:b] for a, b in parts)
    if covered and covered != expected and covered.replace("\n", " ") != expected.replace("\n", " "):
        raise GoldFormatError(f"{where}: span text {covered[:40]!r} does not match the text file"
                              f" at {head[1]} ({expected[:40]!r})")
    return BratSpan(fields[0], head[0], tuple(sorted(parts)), covered)


def _event_to_attribution(eid: str, args: list[tuple[str, str]], spans: dict[str, BratSpan],
                          text: str, where: str) -> GoldAttribution:
    parts: dict[str, list[tuple[int, int]]] = {"content": [], "cue": [], "source": []}
    for role_label, ref in args:
        role = _ROLE_OF_TYPE.get(_base_role(role_label))
        if role is None:
            continue
        if ref not in spans:
            raise GoldFormatError(f"{where}: event {eid} refers to unknown or unused span {ref}")
        parts[role].extend(spans[ref].parts)
    content = _merge(parts["content"], text)
    return GoldAttribution(content=content, cue=_merge(parts["cue"], text),
                           source=_merge(parts["source"], text),
                           kind=infer_kind(text, content), id=eid)


def _base_role(label: str) -> str:
    m = _ROLE_RE.match(label)
    return m.group(1) if m else label


def _merge(parts: list[tuple[int, int]], text: str) -> Spans:
    """Sorted parts; overlapping parts, or parts only whitespace apart, become one."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(parts):
        if merged and (a <= merged[-1][1] or not text[merged[-1][1]:a].strip()):
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)
