# Entry points for people and CI. CMake does the building; this file only orders the steps.
#   make run    install packages, build, start ujikomd on 127.0.0.1:8080 (data in ./var)
#   make test   install packages, build with ASan+UBSan, run every test
#   make fuzz   run each fuzz target for FUZZ_SECONDS (default 600)
#   make bench  release build and the benchmarks under bench/ (on SQLite, and on PostgreSQL
#               beside it when the postgresql package is installed: BENCH_DATABASE=sqlite|both)
SHELL := /bin/bash
JOBS ?= $(shell nproc)
RELEASE := build/release
ASAN := build/asan
FUZZ := build/fuzz
FUZZ_SECONDS ?= 600
CMAKE_FLAGS ?=

.PHONY: all build run test test-build test-unit test-integration test-browser test-pg fuzz fuzz-build bench \
        format format-check tidy analyze clean

all: build

build:
	@scripts/deps.sh run
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUJIKOM_WERROR=ON \
	  -DUJIKOM_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(RELEASE) -j $(JOBS)

run: build
	exec $(RELEASE)/ujikomd --listen 127.0.0.1:8080 --data-dir var --exams-dir exams

test-build:
	@scripts/deps.sh test
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DUJIKOM_SANITIZE=ON -DUJIKOM_WERROR=ON \
	  $(CMAKE_FLAGS)
	cmake --build $(ASAN) -j $(JOBS)
	cd tests && npm ci --no-audit --no-fund --loglevel=error

fuzz-build:
	@scripts/deps.sh fuzz
	CC=clang cmake -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUJIKOM_FUZZ=ON \
	  -DUJIKOM_TESTS=OFF -DUJIKOM_WERROR=ON -DFUZZ_SECONDS=$(FUZZ_SECONDS)
	cmake --build $(FUZZ) -j $(JOBS)

# The suite: the release build `make run` starts (GCC's optimiser finds warnings the debug
# build does not, and -Werror makes them errors), unit and integration tests, browser tests,
# then each fuzz target briefly.
# Three tests at once on two cores: a browser or integration test waits on the browser, the
# daemon and its timers about half of its time (admin-ux: 33 s of CPU in 59 s), so two at a
# time left a core idle; the whole ctest pass took 736 s instead of 829-914 s. The fuzz
# targets keep a core each busy, two at a time.
test: test-build
	$(MAKE) build
	$(MAKE) fuzz-build FUZZ_SECONDS=10
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN) --output-on-failure -j 3
	ctest --test-dir $(FUZZ) --output-on-failure -j 2

test-unit: test-build
	ctest --test-dir $(ASAN) --output-on-failure -L unit
test-integration: test-build
	ctest --test-dir $(ASAN) --output-on-failure -L integration
test-browser: test-build
	ctest --test-dir $(ASAN) --output-on-failure -L browser
test-pg: test-build
	ctest --test-dir $(ASAN) --output-on-failure -L pg -j 2

fuzz: fuzz-build
	ctest --test-dir $(FUZZ) --output-on-failure -j 2

bench:
	@scripts/deps.sh bench
	bench/run.sh

format:
	scripts/format-check.sh --fix
format-check:
	scripts/format-check.sh

tidy: test-build
	scripts/tidy.sh $(ASAN)
# The path-sensitive static analyzer: slower, and not part of make test (see .clang-tidy).
analyze: test-build
	TIDY_CHECKS='-*,clang-analyzer-*,-clang-analyzer-valist.Uninitialized' scripts/tidy.sh $(ASAN)

clean:
	rm -rf build
