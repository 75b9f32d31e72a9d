#!/usr/bin/env python
"""Network statistics (polarisation with its baseline, camps) of a DNA database's own hand
coding: organisation x concept with the agreement qualifier, as rDNA's
``dna_polarization(variable1 = "organization")`` takes them.

    python benchmarks/dna_polarisation.py ../shared/data/dna/sample.dna
"""

from __future__ import annotations

import argparse
import json

from saidwhat.evaluation.dna import read_statements
from saidwhat.model import TextSpan
from saidwhat.network.build import CodedStatement
from saidwhat.network.stats import network_stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dna", help="a DNA 3 .dna file")
    ap.add_argument("--variable", default="organization", help="actor variable")
    args = ap.parse_args()
    coded = [CodedStatement(doc_id=str(s.document_id), quote_id=str(s.id),
                            actor=str(s.values[args.variable]), actor_type="organization",
                            organization="", concept=str(s.values["concept"]),
                            qualifier="support" if s.values.get("agreement") in (1, True)
                            else "oppose", score=1.0, evidence=(),
                            content=TextSpan(s.start, s.stop, s.text))
             for s in read_statements(args.dna)
             if s.values.get(args.variable) and s.values.get("concept")]
    st = network_stats(coded)
    print(json.dumps({"statements": len(coded), "actors": len({c.actor for c in coded}),
                      "polarisation": st.to_dict()["polarisation"],
                      "baseline": st.to_dict()["polarisation_baseline"],
                      "excess": st.to_dict()["polarisation_excess"], "camps": st.camps},
                     indent=2))


if __name__ == "__main__":
    main()
