# `make book` builds the HTML book, `make test` runs every test. Both set up .venv first.
VENV   := .venv
# Every install takes the versions this file pins (a pip constraints file); `make lock` renews it.
LOCK   := requirements-lock.txt
PYTHON := $(VENV)/bin/python
PORT   ?= 8000
# Local copies of the scripts the pages load from CDNs (browser tests, offline book).
JS_PACKAGES := js/node_modules/.package-lock.json
# JupyterLab refuses to start as root unless told to (containers, CI machines).
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root)
# The chapters' matrices are small: one BLAS thread per kernel is faster than several
# threads fighting over two cores, and keeps results bit-for-bit repeatable.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: book test check lab serve clean book-offline notebooks-colab notebooks-minimum lock student-edition

# Runs over several seeds (nnbook.evidence) are cached beside the notebooks' execution cache:
# a rerun computes only those whose experiment, arguments or nncore/nnbook source changed.
book: export NNBOOK_RUNS_CACHE := $(CURDIR)/_build/.runs_cache
book: $(VENV)/.installed-book
	$(PYTHON) tools/set_repository_url.py
	$(PYTHON) tools/execute_book.py  # the notebooks side by side into the build's execution cache
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	$(PYTHON) tools/execute_book.py --after-build  # executed copies in _build/jupyter_execute
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: $(VENV)/.installed-dev
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(JS_PACKAGES); else echo "npm not found: the browser tests will be skipped"; fi
	$(PYTHON) -m pytest

# Everyday checks, in about a minute: lint, format, and every test that needs neither a book
# build, the pinned environments nor a browser (`make test` runs those too).
check: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTHON) -m mypy  # nncore under --strict: [tool.mypy] in pyproject.toml
	$(PYTHON) -m pytest -q -m "not book and not envs and not browser"

# The book with MathJax, RequireJS and the widget manager copied in: no network needed
# (serve it with `python3 -m http.server -d _build/html-offline`; browsers block file:// fonts).
book-offline: book $(JS_PACKAGES)
	$(PYTHON) tools/make_offline_book.py _build/html _build/html-offline

$(JS_PACKAGES): js/package.json js/package-lock.json
	npm ci --prefix js --omit=dev --no-audit --no-fund --ignore-scripts

# Every notebook in Colab's versions (Python 3.13) or at the declared minimum versions (Python 3.10),
# in .venv-colab / .venv-minimum (`make test` runs both through tests/book/test_environments.py).
notebooks-colab notebooks-minimum: $(VENV)/.installed-dev
	$(PYTHON) tools/run_notebooks.py --env $(@:notebooks-%=%)

lab: $(VENV)/.installed-lab
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) chapters

serve:
	@test -f _build/html/index.html || { echo "No book to serve yet: run 'make book' first." >&2; exit 1; }
	python3 -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build

# requirements-lock.txt: every package of requirements-dev.txt and requirements-lab.txt (and
# what they need) pinned for Python 3.10 to 3.13 on every platform, by uv from
# requirements-lock.in. Run it after changing a requirements file (tests/book/test_lock.py
# fails until then), and commit the new lock.
lock: | $(PYTHON)
	$(PYTHON) -m pip install --quiet "$$(grep -E '^uv==' requirements-dev.txt)"
	$(VENV)/bin/uv pip compile --quiet --universal --python-version 3.10 \
	  --no-emit-package nn-executed requirements-lock.in -o $(LOCK)

# A copy of the project for students, without the exercises' solutions (tools/student_edition.py),
# naming its own repository, e.g.
#   make student-edition STUDENT_REPOSITORY=https://github.com/me/course-student [STUDENT_BRANCH=main]
STUDENT_EDITION ?= _build/student-edition
STUDENT_REPOSITORY ?=
STUDENT_BRANCH ?=
student-edition: $(VENV)/.installed-book  # PyYAML, for the edition's _config.yml
	$(PYTHON) tools/student_edition.py $(STUDENT_EDITION) --url "$(STUDENT_REPOSITORY)" \
	  $(if $(STUDENT_BRANCH),--branch "$(STUDENT_BRANCH)")

# A stamp file records each install; it is redone only when a requirements file is newer.
# .venv needs Python 3.11 or newer (README); `make PYTHON3=python3.12 ...` picks another one.
PYTHON3 ?= python3
$(PYTHON):
	@$(PYTHON3) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "make: .venv needs Python 3.11 or newer, but $(PYTHON3) is" \
	    "$$($(PYTHON3) -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'not found')." \
	    "Install a newer Python and name it, e.g. make PYTHON3=python3.11 $(MAKECMDGOALS)" >&2; exit 1; }
	$(PYTHON3) -m venv $(VENV)

$(VENV)/.installed-book: $(LOCK) requirements.txt requirements-book.txt pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install -c $(LOCK) -r requirements-book.txt
	touch $@

$(VENV)/.installed-dev: $(LOCK) requirements.txt requirements-book.txt requirements-dev.txt pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install -c $(LOCK) -r requirements-dev.txt
	touch $@

$(VENV)/.installed-lab: $(LOCK) requirements.txt requirements-lab.txt pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install -c $(LOCK) -r requirements-lab.txt
	touch $@
