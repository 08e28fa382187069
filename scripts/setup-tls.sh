#!/usr/bin/env bash
# Installs the Timeline17 benchmark extra (benchmarks/requirements-tls.txt) into
# the project venv: tilse 0.2.1 without its dependencies (its own bundled pyrouge
# + ROUGE-1.5.5 are used; do NOT install the separate `pyrouge` package), numpy,
# scipy, nltk, and Perl's XML::Parser which ROUGE-1.5.5 needs.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
"$PY" -m pip install -r benchmarks/requirements-tls.txt
"$PY" -m pip install --no-deps tilse==0.2.1
if ! perl -MXML::Parser -e1 2>/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y libxml-parser-perl || { $SUDO apt-get update && $SUDO apt-get install -y libxml-parser-perl; }
fi
# tilse's bundled pyrouge ROUGE-1.5.5 script must be executable after a wheel/sdist install
ROUGE_DIR=$("$PY" -c 'import os, pyrouge; print(os.path.join(os.path.dirname(pyrouge.__file__), "tools", "ROUGE-1.5.5"))')
[ -f "$ROUGE_DIR/ROUGE-1.5.5.pl" ] && chmod +x "$ROUGE_DIR/ROUGE-1.5.5.pl" || true
"$PY" -c 'from tilse.evaluation import rouge; print("tilse ok")'
