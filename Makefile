# Quick start: `make demo` (the whole cycle on generated data) and `make test`.
# Every target creates .venv and installs the project on first use; only python3.11 is needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
YEAR ?= 2026
ROOT ?= .
DVK := $(BIN)/dvk --root $(ROOT)

.PHONY: help venv install serve templates consolidate demo screenshots test test-slow check lint types clean

help:
	@echo "make demo         chạy thử toàn bộ quy trình trên dữ liệu mẫu (build/demo/)"
	@echo "                  rồi tổng hợp cấp tỉnh từ ba phường chạy thử (build/demo-tinh/)"
	@echo "make install      cài lệnh dvk (~/.local/bin/dvk) dùng được ở mọi thư mục, làm việc trên thư mục này"
	@echo "make serve        mở trang làm việc trên trình duyệt: http://127.0.0.1:$(PORT)/ (dừng bằng Ctrl+C)"
	@echo "make templates    tạo mẫu biểu cho các đơn vị (outbox/$(YEAR)/mau-bieu/)"
	@echo "make consolidate  kiểm tra, tổng hợp các tệp trong inbox/ và viết báo cáo"
	@echo "make screenshots  chụp mọi trang của trang làm việc trên dữ liệu mẫu (build/screenshots/)"
	@echo "make test         chạy bộ kiểm thử"
	@echo "make test-slow    chạy các kiểm thử dài về sự cố (1.000 tệp, nhiều ví dụ ngẫu nhiên)"
	@echo "make check        ruff, mypy và kiểm thử"

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần $(PYTHON) (Python 3.11 trở lên)."; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# The command the tool's messages print (`dvk consolidate --year 2026`), runnable from any folder:
# a launcher in $(PREFIX)/bin that works on this workspace (ROOT) unless --root or DVK_ROOT says
# otherwise, with this checkout's environment. Windows has no make: see the README.
PREFIX ?= $(HOME)/.local
install: $(STAMP)
	@mkdir -p "$(PREFIX)/bin"
	@printf '#!/bin/sh\n: "$${DVK_ROOT:=%s}"\nexport DVK_ROOT\nexec "%s" "$$@"\n' \
	  "$(abspath $(ROOT))" "$(abspath $(BIN))/dvk" > "$(PREFIX)/bin/dvk.tmp"
	@chmod +x "$(PREFIX)/bin/dvk.tmp" && mv -f "$(PREFIX)/bin/dvk.tmp" "$(PREFIX)/bin/dvk"
	@echo "Đã cài lệnh dvk vào $(PREFIX)/bin/dvk (thư mục làm việc: $(abspath $(ROOT)))."
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; \
	  *) echo "Thư mục $(PREFIX)/bin chưa có trong PATH: hãy đăng xuất rồi đăng nhập lại, hoặc thêm dòng"; \
	     echo "  export PATH=\"$(PREFIX)/bin:\$$PATH\"  vào cuối tệp ~/.profile." ;; esac

# The clerk's workspace in a browser on this computer only (`dvk serve --host` and a password for others).
PORT ?= 8765
serve: $(STAMP)
	@$(DVK) serve --port $(PORT)

templates: $(STAMP)
	@$(DVK) templates --year $(YEAR)

# dvk exits 1 when a file is returned: a normal outcome for the clerk, so make reports it in
# Vietnamese and succeeds; 2 (a usage or configuration error) still fails. Scripts that need
# the exit code call dvk itself.
consolidate: $(STAMP)
	@$(DVK) consolidate --year $(YEAR); code=$$?; \
	if [ $$code -eq 1 ]; then \
	  echo "Có tệp bị trả lại hoặc có dòng chưa ghi được vào sổ theo dõi (xem danh sách ở trên)."; \
	  echo "Hãy gửi tệp phản hồi (thư mục phan-hoi/ ở trên) cho đơn vị; nhận bản sửa vào inbox/ rồi chạy lại make consolidate."; \
	elif [ $$code -ne 0 ]; then exit $$code; fi

demo: $(STAMP)
	$(BIN)/dvk demo --year $(YEAR) --workspace build/demo
	$(BIN)/dvk demo-rollup --year $(YEAR) --workspace build/demo-tinh --ward-demo build/demo

# Every page shot full-page at 1366x900 in Debian's chromium (/usr/bin/chromium; Playwright drives
# it, nothing is downloaded) over a demo workspace built in build/screenshots-ws.
screenshots: $(STAMP)
	$(BIN)/python -m tests.support.screenshots --year $(YEAR) --workspace build/screenshots-ws --out build/screenshots

test: $(STAMP)
	$(BIN)/python -m pytest

# The long fault tests (marker `slow`, deselected by `make test`): SIGKILL during a 1,000-file
# consolidation, many hypothesis examples.
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/ruff format --check pipeline tests

types: $(STAMP)
	$(BIN)/mypy pipeline

check: lint types test

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache

# `make bench` measures the pipeline on generated workbooks (cached in build/bench/); results in
# build/bench/results.json. Quick mode: `make bench SIZES=40,1000` (5,400 files take long).
SIZES ?= 40,1000,5400
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(BENCH_STAMP)

.PHONY: bench
bench: $(BENCH_STAMP)
	$(BIN)/python -m pipeline.tools.bench --sizes $(SIZES)
