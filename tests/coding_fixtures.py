"""Concepts and a helper shared by the concept-coding tests (invented codebook entries)."""

from __future__ import annotations

from saidwhat.network.codebook import Concept
from saidwhat.network.coding import ConceptCoder, flippers

CLIMATE = Concept("climate", "Governments should act urgently to cut greenhouse gas emissions",
                  "Measures against global warming: cutting carbon emissions, phasing out coal.",
                  ("climate change", "emissions", "global warming"))
FARES = Concept("fares", "Bus fares should be raised",
                "Raising ticket prices to pay for the bus network.",
                ("fare increase", "fare rise", "fares"))
WEALTH = Concept("wealth", "A tax on large fortunes should be introduced",
                 "An annual levy on the net assets of the richest households.",
                 ("wealth tax", "billionaires"))
CHARGE = Concept("charge", "A congestion charge should be introduced",
                 "Charging drivers who enter the centre.", ("congestion charge",))


def coded(coder: ConceptCoder, content: str, cue: str | None = "said") -> dict[str, str]:
    """Concept id -> qualifier of what ``coder`` codes ``content`` as."""
    return {c.concept_id: c.qualifier for c in coder.code(content, cue)}


def flipped(nlp, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The words of ``text`` under an odd number of negators and reducing words."""
    doc = nlp(text)
    return {t.lower_ for t, f in zip(doc, flippers(doc), strict=True) if len(f) % 2 == 1}
