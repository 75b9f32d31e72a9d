"""Placeholder direct-quote stage (replaced by the full pipeline)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ..model import Quote, TextSpan

_PAIR = re.compile(r"[\"“‘']([^\"“”‘’']{3,}?)[\"”’']")


def find_direct_quotes(sdoc: Doc) -> list[Quote]:
    text = sdoc.text
    return [Quote(id=f"q{i}", kind="direct", content=TextSpan.of(text, m.start(1), m.end(1)))
            for i, m in enumerate(_PAIR.finditer(text), 1)]
