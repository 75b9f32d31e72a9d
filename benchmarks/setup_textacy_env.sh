#!/usr/bin/env bash
# Build the benchmark's own virtual environment (bench-env/, gitignored) with
# textacy and saidwhat, so the textacy baseline never becomes a project dependency.
# Usage (from the repository root): bash benchmarks/setup_textacy_env.sh [ENV_DIR]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_dir="${1:-$repo_root/bench-env}"
textacy_spec="${TEXTACY_SPEC:-textacy==0.13.0}"

python3.11 -m venv "$env_dir"
"$env_dir/bin/python" -m pip install --quiet --upgrade pip
# The project first: it pins spaCy 3.8 and the English model, so textacy must
# fit around them; pip fails loudly here if textacy's spaCy requirement clashes.
"$env_dir/bin/python" -m pip install --quiet -e "$repo_root"
"$env_dir/bin/python" -m pip install --quiet "$textacy_spec" psutil
"$env_dir/bin/python" - <<'PY'
import spacy, textacy, saidwhat
from textacy.extract.triples import direct_quotations  # noqa: F401
print(f"bench-env ready: textacy {textacy.__version__}, spaCy {spacy.__version__}, "
      f"saidwhat {saidwhat.__version__}")
PY
"$env_dir/bin/python" -m pip check || echo "WARNING: pip check reports conflicts (see above)"
