#!/usr/bin/env bash
# The README's second command: set up .venv with the test extras and system test tools, lint, run the suite.
KG_EXTRAS=test
source "$(dirname "$0")/_env.sh"
if [ -f scripts/install-chromium.sh ]; then bash scripts/install-chromium.sh; fi
ruff check kg tests bench
python -m pytest "$@"
