# Set-up and the main jobs. Everything installs into .venv; nothing is needed beforehand but python3.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
QUESTION ?= 2023년 기준 전 세계 바이오기술 시장 규모는 얼마인가?

.PHONY: install run test lint bench clean browser ocr

install: $(STAMP)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	# torch first and pinned: the CPU wheel, not the multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Build (or refresh) the index from corpus/, answer a sample question, then serve the API and
# web page at http://127.0.0.1:8000/ (Ctrl-C stops it).
run: install ocr
	$(VENV)/bin/clusterqa ingest corpus
	$(VENV)/bin/clusterqa ask "$(QUESTION)"
	$(VENV)/bin/clusterqa serve --host 127.0.0.1 --port 8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Debian's Chromium for the end-to-end page test (no browser download is possible here).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null) || \
	  echo "warning: could not install chromium; the browser test will be skipped"

# Debian's Tesseract with Korean data: PDF pages without a usable text layer are read by OCR.
ocr:
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx kor || \
	  (apt-get update -qq && apt-get install -y -qq tesseract-ocr tesseract-ocr-kor >/dev/null) || \
	  echo "warning: could not install tesseract-ocr-kor; scanned PDF pages are skipped with a warning and the OCR tests are skipped"

test: install lint browser ocr
	$(VENV)/bin/pytest

bench: install
	$(VENV)/bin/pytest -m slow

clean:
	rm -rf $(VENV) index/CURRENT index/snapshots
