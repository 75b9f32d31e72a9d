#!/usr/bin/env python
"""A synthetic news corpus for the store benchmark: any size, fast, deterministic.

Every article is assembled from templates written for this script (no copied text):
invented people with roles and organisations, invented places and topics, direct
quotes with several cue verbs and positions, indirect speech, and neutral filler
paragraphs. Lengths vary between roughly 150 and 700 words, like news items.

    python benchmarks/corpus_generate.py --docs 100000 -o /tmp/corpus.jsonl.gz

Output: JSON Lines (gzip if the name ends in .gz), one object per article with
``id, title, date, outlet, author, url, text``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

FIRST = ["Mara", "Ivo", "Lena", "Tomas", "Aisha", "Bruno", "Chen", "Dalia", "Emil", "Farah",
         "Goran", "Hana", "Idris", "Jonah", "Kira", "Luca", "Mina", "Nils", "Olga", "Pavel",
         "Rosa", "Samir", "Talia", "Umar", "Vera", "Wes", "Yara", "Zane", "Noor", "Elif"]
LAST = ["Quill", "Brandt", "Ostrova", "Ferreira", "Nakamura", "Okafor", "Lindqvist", "Amsel",
        "Duarte", "Halloran", "Kovac", "Mbeki", "Petrakis", "Rahimi", "Sorensen", "Tamura",
        "Varga", "Whitcombe", "Yilmaz", "Zelenko", "Abara", "Castellano", "Dimitrov", "Eklund"]
ROLES = ["minister for {topic}", "mayor of {place}", "chief executive of {org}",
         "spokesperson for {org}", "professor of economics", "union leader",
         "opposition leader", "head of {org}", "councillor for {place}", "police chief"]
ORGS = ["the Northgate Transit Authority", "Harbourline Energy", "the Civic Renewal Party",
        "the Lakeside Teachers Union", "Meridian Health Trust", "the Valley Farmers Alliance",
        "Brightwater Utilities", "the Regional Planning Board", "Corvid Logistics",
        "the Federation of Small Shops"]
PLACES = ["Eastfold", "Marrowby", "Kelston", "Dunmere", "Port Aldous", "Wrenfield",
          "Oakhurst", "Saltcombe", "Braeholm", "Ferncastle"]
TOPICS = ["housing", "transport", "health", "education", "energy", "farming", "policing",
          "water supply", "tourism", "public finance"]
OUTLETS = ["The Tidewater Post", "Eastfold Gazette", "Regional Courier", "The Morning Ledger",
           "Harbour Herald", "Valley Times"]
CUES = ["said", "told reporters", "added", "warned", "argued", "insisted", "explained",
        "claimed", "noted", "stressed"]
INDIRECT_CUES = ["said", "argued", "warned", "claimed", "suggested", "told the council"]
CLAIMS = [
    "the plan for {topic} in {place} would cost more than promised",
    "the budget for {topic} had been cut three years in a row",
    "{org} would publish its figures before the summer",
    "residents of {place} deserved a clear answer on {topic}",
    "the new rules on {topic} were rushed through without a proper debate",
    "the numbers showed a steady improvement in {topic}",
    "nobody in {place} had been asked before the decision was made",
    "the government had broken its promise on {topic}",
]
QUOTES = [
    "We will not accept a deal that leaves {place} behind",
    "The figures speak for themselves, and they are not good",
    "This is the most important decision on {topic} in a generation",
    "Families in {place} have waited long enough",
    "We are asking for fairness, nothing more and nothing less",
    "I have seen nothing that convinces me this will work",
    "Our teams have worked day and night to fix the problem",
    "There is no money left, and everybody knows it",
    "We expect to see results on {topic} within twelve months",
    "It is simply wrong to blame the staff for this",
]
FILLER = [
    "The meeting in {place} lasted almost four hours and was attended by about {n} people.",
    "Figures released on {day} show that spending on {topic} rose by {n} per cent last year.",
    "The debate on {topic} has divided opinion across the region for several months.",
    "A final vote is expected before the end of the month, officials confirmed.",
    "Local businesses in {place} have reported a fall in trade since the spring.",
    "The report, which runs to {n} pages, makes a series of recommendations on {topic}.",
    "Campaigners gathered outside the town hall in {place} before the session began.",
    "Several questions about the timetable for {topic} remained unanswered on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class ArticleFactory:
    """Builds article ``i`` from a generator seeded with (seed, i): the same i, the same text."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def _slots(self, rng: random.Random) -> dict[str, Any]:
        return {"place": rng.choice(PLACES), "topic": rng.choice(TOPICS),
                "org": rng.choice(ORGS), "n": rng.randint(3, 900), "day": rng.choice(DAYS)}

    def _person(self, rng: random.Random, slots: dict[str, Any]) -> tuple[str, str]:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        return name, rng.choice(ROLES).format(**slots)

    def article(self, i: int) -> dict[str, Any]:
        rng = random.Random(self.seed * 1_000_003 + i)
        slots = self._slots(rng)
        people = [self._person(rng, slots) for _ in range(rng.randint(2, 4))]
        paragraphs = []
        for k in range(rng.randint(4, 14)):
            slots = {**slots, "n": rng.randint(3, 900), "day": rng.choice(DAYS)}
            name, role = people[k % len(people)]
            mentioned = name if k < len(people) else name.split()[-1]
            quote = rng.choice(QUOTES).format(**slots)
            claim = rng.choice(CLAIMS).format(**slots)
            style = rng.randrange(4)
            if style == 0:
                first = f"\u201c{quote},\u201d {rng.choice(CUES)} {mentioned}, the {role}."
            elif style == 1:
                first = f"{mentioned}, the {role}, {rng.choice(CUES)}: \u201c{quote}.\u201d"
            elif style == 2:
                first = f"{mentioned} {rng.choice(INDIRECT_CUES)} that {claim}."
            else:
                first = f"\"{quote},\" {mentioned} {rng.choice(CUES)}."
            fill = " ".join(rng.choice(FILLER).format(**slots) for _ in range(rng.randint(1, 3)))
            paragraphs.append(f"{first} {fill}")
        outlet = rng.choice(OUTLETS)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        return {"id": f"syn-{i:07d}",
                "title": f"{slots['place']} divided over {slots['topic']} plan",
                "date": f"{2020 + i % 5}-{month:02d}-{day:02d}",
                "outlet": outlet,
                "author": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "url": f"https://news.invalid/{outlet.lower().replace(' ', '-')}/{i}",
                "text": "\n\n".join(paragraphs)}

    def articles(self, n: int, start: int = 0) -> Iterator[dict[str, Any]]:
        for i in range(start, start + n):
            yield self.article(i)


def write_corpus(path: Path, n: int, seed: int = 0) -> int:
    """Write ``n`` articles to ``path`` (JSON Lines, gzip if ``.gz``); returns bytes of text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh: IO[str] = (gzip.open(path, "wt", encoding="utf-8", compresslevel=1)
                   if path.suffix == ".gz" else open(path, "w", encoding="utf-8"))
    chars = 0
    with fh:
        for art in ArticleFactory(seed).articles(n):
            chars += len(art["text"])
            fh.write(json.dumps(art, ensure_ascii=False) + "\n")
    return chars


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    chars = write_corpus(args.output, args.docs, args.seed)
    secs = time.perf_counter() - t0
    print(f"{args.docs} articles, {chars / args.docs:.0f} chars each on average, "
          f"in {secs:.1f} s ({args.docs / secs:,.0f} articles/s) -> {args.output}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
