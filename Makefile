# ameide-sre-contracts: `make` sets up, lints, generates, checks and builds;
# `make test` is the whole gate CI runs. Every target bootstraps what it needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
INSTALLED := $(VENV)/.installed
PROTODEPS := build/protodeps/buf/validate/validate.proto
GEN_VENV := build/gen-venv
GENERATORS := $(GEN_VENV)/.installed
NODE_TOOLS := node_modules/.installed
ES_BINDINGS := build/es/.generated
# Every released v1 contract's image, compat/sre-v1.<minor>.binpb; `make breaking` checks against each.
BASELINES = $(sort $(wildcard compat/sre-v1.*.binpb))
CONTRACT_MINOR := $(shell sed -n 's/^option (sre_file).contract_version = "\([0-9]*\.[0-9]*\)\.[0-9]*";$$/\1/p' \
                    proto/ameide_core_proto/sre/core/v1/sre.proto)
MYPY_PATHS := src/ameide_sre_contracts tests tools

# buf runs `python` for protoc and the local plugins: the venv's.
export PATH := $(BIN):$(PATH)

.DEFAULT_GOAL := all
.PHONY: all setup protodeps lint format generate check-generated breaking baseline \
        build test pytest compat fuzz bench clean

all: lint check-generated build

setup: $(INSTALLED)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when the pins or the project metadata change.
$(INSTALLED): $(BIN)/python requirements/dev.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

protodeps: $(PROTODEPS)

# The generators run in a venv of their own (requirements/generate.txt says why).
$(GENERATORS): requirements/generate.txt
	$(PYTHON) -m venv $(GEN_VENV)
	$(GEN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/generate.txt
	touch $@

# validate.proto comes from the installed protovalidate wheel, never from the BSR.
$(PROTODEPS): $(INSTALLED) tools/materialize_protodeps.py
	$(BIN)/python tools/materialize_protodeps.py build/protodeps
	touch $@

# The AsyncAPI parser, Mermaid's parser and protobuf-es with protovalidate-es, pinned by package-lock.json.
$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# The TypeScript side of conformance/: protobuf-es bindings from the local plugin, never the BSR.
$(ES_BINDINGS): $(NODE_TOOLS) $(PROTODEPS) buf.gen.es.yaml $(wildcard proto/ameide_core_proto/sre/*/v1/*.proto)
	rm -rf build/es
	buf generate --template buf.gen.es.yaml
	touch $@

lint: $(PROTODEPS)
	buf lint
	buf format proto --diff --exit-code
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(MYPY_PATHS)

format: $(PROTODEPS)
	buf format proto --write
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

generate: $(PROTODEPS) $(GENERATORS)
	$(BIN)/python tools/generate.py
	$(BIN)/python tools/conformance_vectors.py

check-generated: $(PROTODEPS) $(GENERATORS)
	$(BIN)/python tools/generate.py --check
	$(BIN)/python tools/conformance_vectors.py --check

# v1 never breaks wire or JSON compatibility with any released v1 contract. A
# baseline holds only the contract's own files; serialized protobuf messages
# concatenate as a merge, so prepending the materialized dependencies' image
# makes it a complete image without committing any third-party descriptor.
# Each baseline is held to buf.yaml's FILE category, except those in
# WIRE_JSON_ONLY: 1.1 replaced 1.0's scalar custom options with option
# messages, a released change of generated Python the gate cannot undo.
WIRE_JSON_ONLY := compat/sre-v1.0.binpb

breaking: $(PROTODEPS)
	@test -n "$(BASELINES)" || { echo "no released baseline in compat/"; exit 1; }
	buf build build/protodeps -o build/protodeps.binpb
	sed 's/^    - FILE$$/    - WIRE_JSON/' buf.yaml > build/buf-wire-json.yaml
	@for baseline in $(BASELINES); do \
	  config=buf.yaml; category=FILE; \
	  case " $(WIRE_JSON_ONLY) " in *" $$baseline "*) config=build/buf-wire-json.yaml; category=WIRE_JSON;; esac; \
	  echo "buf breaking ($$category) against $$baseline"; \
	  cat build/protodeps.binpb $$baseline > build/against.binpb || exit 1; \
	  buf breaking proto --exclude-imports --config $$config --against build/against.binpb || exit 1; \
	done

# Only at release time: cut the image of this contract version (the option
# `contract_version` in sre.proto) that `make breaking` checks against from
# then on. A released version's image is never rewritten.
baseline: $(PROTODEPS)
	@test -n "$(CONTRACT_MINOR)" || { echo "cannot read contract_version from sre.proto"; exit 1; }
	@test ! -e compat/sre-v$(CONTRACT_MINOR).binpb || \
	  { echo "compat/sre-v$(CONTRACT_MINOR).binpb is released; raise contract_version first"; exit 1; }
	buf build proto --exclude-imports -o compat/sre-v$(CONTRACT_MINOR).binpb

build: $(INSTALLED)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .

pytest: $(PROTODEPS) $(GENERATORS) $(NODE_TOOLS) $(ES_BINDINGS)
	$(BIN)/python -m pytest

test: lint breaking check-generated pytest compat

# The built wheel in fresh venvs at both ends of the dependency window
# (requirements/compat-*.txt), exercised by tools/compat_check.py.
compat: build
	@for end in oldest newest; do \
	  rm -rf build/compat/$$end && $(PYTHON) -m venv build/compat/$$end && \
	  build/compat/$$end/bin/python -m pip install --quiet --disable-pip-version-check \
	    -c requirements/compat-$$end.txt "$$(ls dist/*.whl)[grpc,cloudevents]" && \
	  build/compat/$$end/bin/python tools/compat_check.py || exit 1; \
	done

# A long fuzzing run (FUZZ_SECONDS each for the mutation fuzzer and atheris, and
# FUZZ_MUTANTS rule-aimed mutants per envelope type for the validation fast path);
# rewrites docs/reliability.md with the figures; then FUZZ_JSON_TEXTS texts through
# the generated ProtoJSON reader and writer against json_format (docs/protojson.md).
FUZZ_SECONDS ?= 600
FUZZ_MUTANTS ?= 1000000
FUZZ_JSON_TEXTS ?= 1000000
fuzz: $(PROTODEPS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/fuzz.txt
	$(BIN)/python tools/reliability_report.py --seconds $(FUZZ_SECONDS) --atheris-seconds $(FUZZ_SECONDS) \
	  --mutants $(FUZZ_MUTANTS)
	$(BIN)/python tools/json_differential.py --texts $(FUZZ_JSON_TEXTS)

# The benchmark's competitors: pydantic v2 (requirements/bench.txt), and
# protovalidate 1.x, which shares 2.x's distribution name, installed apart in
# build/bench/pv1 with the validate.proto bindings it imports.
PV1 := build/bench/pv1
PV1_VERSION := 1.2.0
$(PV1)/.installed: $(INSTALLED) $(PROTODEPS) requirements/bench.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/bench.txt
	rm -rf $(PV1)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --target $(PV1) protovalidate==$(PV1_VERSION)
	$(BIN)/python -m grpc_tools.protoc -Ibuild/protodeps --python_out=$(PV1) build/protodeps/buf/validate/validate.proto
	touch $@

# make bench: full run, writes docs/benchmarks.md. make bench QUICK=1 BENCH_OUT=FILE: a smoke run.
bench: $(PV1)/.installed
	$(BIN)/python tools/bench.py --pv1 $(PV1) $(if $(QUICK),--quick) $(if $(BENCH_OUT),--out $(BENCH_OUT))

clean:
	rm -rf $(VENV) build dist node_modules .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
