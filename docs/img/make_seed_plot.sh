#!/usr/bin/env bash
# Regenerates the seed article's discourse network (docs/img/seed_network.png, and the edge
# list docs/img/seed_edges.csv) with the current extractor and the seed codebook.
# Run from the repository root, with ../shared beside it:  bash docs/img/make_seed_plot.sh
set -euo pipefail
SHARED="${SHARED:-../shared}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
saidwhat extract "$SHARED"/seed/*.txt -o "$TMP/seed.jsonl"
saidwhat network "$TMP/seed.jsonl" --codebook "$SHARED/seed/codebook.yaml" \
  -o docs/img/seed_edges.csv --plot docs/img/seed_network.png
