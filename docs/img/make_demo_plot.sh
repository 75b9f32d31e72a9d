#!/usr/bin/env bash
# Regenerates the bundled demo's discourse network (docs/img/demo_network.png, and the edge
# list docs/img/demo_edges.csv) with the current extractor and the demo codebook: four
# invented articles in src/saidwhat/examples/demo/, so it runs from a fresh clone.
# Run from the repository root (needs the plot extra: pip install -e ".[plot]"):
#   bash docs/img/make_demo_plot.sh            # OUT=folder to write elsewhere
set -euo pipefail
DEMO="src/saidwhat/examples/demo"
OUT="${OUT:-docs/img}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
saidwhat extract "$DEMO"/*.txt -o "$TMP/demo.jsonl"
saidwhat network "$TMP/demo.jsonl" --codebook "$DEMO/codebook.yaml" \
  -o "$OUT/demo_edges.csv" --plot "$OUT/demo_network.png"
