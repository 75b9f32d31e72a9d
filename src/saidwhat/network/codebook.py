"""Codebooks: the policy concepts statements are coded against (YAML, see docs/networks.md).

```yaml
name: My debate               # optional
concepts:
  - id: new-inquiry           # required, unique, no spaces
    label: A new inquiry should be held      # required: the claim, phrased as DNA concepts are
    description: >            # optional: more words that express the concept
      Calls for, or rejections of, a new public inquiry ...
    keywords: [inquiry, probe]               # optional: words or phrases that signal it
    examples:                 # optional: statements that express it (support)
      - "We need a full public inquiry now."
```

Errors name the file, the line and the field (:class:`CodebookError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
_CONCEPT_FIELDS = {"id", "label", "description", "keywords", "examples"}


class CodebookError(ValueError):
    """A codebook that cannot be used, with where and why."""

    def __init__(self, path: str, line: int | None, field_name: str | None, reason: str) -> None:
        self.path, self.line, self.field, self.reason = path, line, field_name, reason
        where = f"{path}:{line}" if line is not None else path
        what = f" (field '{field_name}')" if field_name else ""
        super().__init__(f"{where}{what}: {reason}")


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(slots=True)
class Codebook:
    concepts: list[Concept]
    name: str = ""
    source: str = ""
    _by_id: dict[str, Concept] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {c.id: c for c in self.concepts}

    def __getitem__(self, concept_id: str) -> Concept:
        return self._by_id[concept_id]

    def label_of(self, concept_id: str) -> str:
        """The concept's label, or the id itself for a concept not in the codebook."""
        concept = self._by_id.get(concept_id)
        return concept.label if concept is not None else concept_id

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        out["concepts"] = []
        for c in self.concepts:
            d: dict[str, Any] = {"id": c.id, "label": c.label}
            if c.description:
                d["description"] = c.description
            if c.keywords:
                d["keywords"] = list(c.keywords)
            if c.examples:
                d["examples"] = list(c.examples)
            out["concepts"].append(d)
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True, width=90)


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _scalar(path: str, node: Node, name: str, *, required_text: bool = True) -> str:
    if not isinstance(node, ScalarNode):
        raise CodebookError(path, _line(node), name, "must be a text value, not a list or mapping")
    value = str(node.value).strip()
    if required_text and not value:
        raise CodebookError(path, _line(node), name, "must not be empty")
    return value


def _string_list(path: str, node: Node, name: str) -> tuple[str, ...]:
    if isinstance(node, ScalarNode):  # a single keyword written without brackets
        value = str(node.value).strip()
        return (value,) if value else ()
    if not isinstance(node, SequenceNode):
        raise CodebookError(path, _line(node), name, "must be a list of texts")
    return tuple(_scalar(path, item, name) for item in node.value)


def _concept(path: str, node: Node, index: int) -> Concept:
    if not isinstance(node, MappingNode):
        raise CodebookError(path, _line(node), f"concepts[{index}]",
                            "each concept must be a mapping with id and label")
    fields: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in _CONCEPT_FIELDS:
            raise CodebookError(path, _line(key_node), key,
                                f"unknown field; expected one of {sorted(_CONCEPT_FIELDS)}")
        if key in fields:
            raise CodebookError(path, _line(key_node), key, "given twice")
        fields[key] = value_node
    for required in ("id", "label"):
        if required not in fields:
            raise CodebookError(path, _line(node), required,
                                f"concept {index + 1} has no '{required}'")
    concept_id = _scalar(path, fields["id"], "id")
    if not _ID_RE.match(concept_id):
        raise CodebookError(path, _line(fields["id"]), "id",
                            f"'{concept_id}' is not a valid id (letters, digits, - _ . : ; no spaces)")
    return Concept(
        id=concept_id,
        label=_scalar(path, fields["label"], "label"),
        description=" ".join(_scalar(path, fields["description"], "description",
                                     required_text=False).split()) if "description" in fields else "",
        keywords=_string_list(path, fields["keywords"], "keywords") if "keywords" in fields else (),
        examples=_string_list(path, fields["examples"], "examples") if "examples" in fields else (),
    )


def parse_codebook(text: str, path: str = "<codebook>") -> Codebook:
    """Parse and validate codebook YAML; raise :class:`CodebookError` on any problem (the
    first; :func:`check_codebook` lists them all)."""
    return _parse_codebook(text, path, None)


def _parse_codebook(text: str, path: str, errors: list[CodebookError] | None) -> Codebook:
    """With ``errors`` given, a bad concept is recorded there and the others still read."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(path, line, None, f"not valid YAML: {reason}") from exc
    if root is None:
        raise CodebookError(path, None, None, "empty file; expected a mapping with 'concepts'")
    if not isinstance(root, MappingNode):
        raise CodebookError(path, _line(root), None,
                            "the top level must be a mapping with a 'concepts' list")
    top = {str(k.value): (k, v) for k, v in root.value}
    unknown = sorted(set(top) - {"name", "concepts", "description"})
    if unknown:
        raise CodebookError(path, _line(top[unknown[0]][0]), unknown[0],
                            "unknown top-level field; expected name, description, concepts")
    if "concepts" not in top:
        raise CodebookError(path, _line(root), "concepts", "missing: the list of concepts")
    concepts_node = top["concepts"][1]
    if not isinstance(concepts_node, SequenceNode) or not concepts_node.value:
        raise CodebookError(path, _line(concepts_node), "concepts", "must be a non-empty list")
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for i, node in enumerate(concepts_node.value):
        try:
            concept = _concept(path, node, i)
            if concept.id in seen:
                raise CodebookError(path, _line(node), "id", f"duplicate id '{concept.id}'"
                                    f" (first on line {seen[concept.id]})")
        except CodebookError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        seen[concept.id] = _line(node)
        concepts.append(concept)
    name = _scalar(path, top["name"][1], "name", required_text=False) if "name" in top else ""
    return Codebook(concepts=concepts, name=name, source=path)


# A label still as `saidwhat concepts --suggest` wrote it.
PLACEHOLDER_PREFIX = "EDIT:"


@dataclass(slots=True)
class CodebookCheck:
    """What ``saidwhat concepts --check`` reports: every error, and warnings."""

    codebook: Codebook | None
    errors: list[CodebookError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_codebook(path: str | Path) -> CodebookCheck:
    """Validate a codebook file and report every problem, not only the first: errors
    (unusable concepts, bad YAML) and warnings (placeholder labels left from ``--suggest``,
    concepts with nothing but a label, a keyword two concepts share)."""
    p = Path(path)
    errors: list[CodebookError] = []
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CodebookCheck(None, [CodebookError(str(p), None, None, "file not found")])
    except (OSError, UnicodeDecodeError) as exc:
        return CodebookCheck(None, [CodebookError(str(p), None, None, f"cannot read: {exc}")])
    try:
        cb = _parse_codebook(text, str(p), errors)
    except CodebookError as exc:  # the file as a whole (YAML, top level)
        return CodebookCheck(None, errors + [exc])
    out = CodebookCheck(cb, errors)
    owners: dict[str, str] = {}
    for c in cb:
        if c.label.upper().startswith(PLACEHOLDER_PREFIX):
            out.warnings.append(f"{p}: concept '{c.id}': the label is still the placeholder"
                                f" {c.label!r}: rewrite it as a claim a speaker can support or"
                                " oppose")
        if not (c.description or c.keywords or c.examples):
            out.warnings.append(f"{p}: concept '{c.id}' has only a label: a description,"
                                " keywords or examples let more statements be coded")
        for kw in c.keywords:
            key = " ".join(kw.lower().split())
            if key in owners and owners[key] != c.id:
                out.warnings.append(f"{p}: keyword {kw!r} is in both '{owners[key]}' and"
                                    f" '{c.id}'")
            owners.setdefault(key, c.id)
    return out


def load_codebook(path: str | Path) -> Codebook:
    """Read a codebook file; errors name the file (missing, unreadable, invalid)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CodebookError(str(p), None, None, "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(str(p), None, None, f"cannot read: {exc}") from exc
    return parse_codebook(text, str(p))


def codebook_from_labels(labels: list[str], name: str = "") -> Codebook:
    """A codebook whose concepts are only labels (e.g. a DNA database's concept entities)."""
    concepts = []
    for i, label in enumerate(labels, 1):
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or f"c{i}"
        concepts.append(Concept(id=f"{i}-{slug}", label=label))
    return Codebook(concepts=concepts, name=name)
