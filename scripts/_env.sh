# Sourced by demo.sh and test.sh: create .venv with Python 3.11 when missing and install kg into it.
# KG_EXTRAS selects optional dependencies (e.g. "test"); a stamp file skips reinstalling when nothing changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
VENV=${KG_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
spec="."
[ -n "${KG_EXTRAS:-}" ] && spec=".[${KG_EXTRAS}]"
stamp="$VENV/.installed-${KG_EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "installing kg ($spec) into $VENV"
    "$VENV/bin/python" -m pip install --quiet -e "$spec"
    touch "$stamp"
fi
export PATH="$PWD/$VENV/bin:$PATH"
