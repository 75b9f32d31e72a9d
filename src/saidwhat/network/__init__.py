"""Discourse networks: codebooks, concept coding, canonical actors, networks, exports, plots.

See docs/networks.md. The pieces, in the order a run uses them:

* :mod:`.codebook` — codebook YAML (load, validate with line and field);
* :mod:`.coding` — :class:`~.coding.ConceptCoder`: concepts, support/oppose, score, evidence;
* :mod:`.actors` — canonical actors across a corpus, actor attribute files;
* :mod:`.build` — coded statements, filters, time windows, two-mode and one-mode networks;
* :mod:`.stats` — degree, betweenness, communities, polarisation;
* :mod:`.export` / :mod:`.dna_export` — GraphML, GEXF, CSV, matrix, event list, DNA 3;
* :mod:`.plot` — pictures; :mod:`.suggest` — a starting codebook from a corpus.
"""
