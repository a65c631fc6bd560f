#!/usr/bin/env bash
# The README's first command: set up .venv, then build the graph from seeds/ into out/ (or pass other args).
source "$(dirname "$0")/_env.sh"
if [ $# -eq 0 ]; then set -- seeds --out out; fi
kg build "$@"
