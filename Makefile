# One command per job. `make up` runs the whole system, `make test` passes the tests.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
DOCKER_OK := $(shell docker info >/dev/null 2>&1 && echo yes)

.PHONY: setup up down status logs test e2e chaos fuzz check format bench

setup:  ## install uv if missing, then the locked environment
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
	@$(UV) sync --frozen --quiet
	@# The certificate PDF embeds a TrueType CJK font (reportlab cannot embed the CFF outlines of Noto CJK).
	@test -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null)
	@# Debian's Chromium for the registry's browser test (Playwright drives it; no download)
	@command -v chromium >/dev/null || ( [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null ) || echo "chromium not installed: the browser test will be skipped"

up: setup  ## the whole system: Compose where Docker answers, else the local launcher
ifeq ($(DOCKER_OK),yes)
	docker compose up -d --build --wait
else
	python3 infra/launcher.py up
endif

down:  ## stop everything `make up` started
ifeq ($(DOCKER_OK),yes)
	docker compose down
endif
	python3 infra/launcher.py down

status:
	python3 infra/launcher.py status

logs:
	python3 infra/launcher.py logs

test: setup  ## the test suite against real Kafka, a MongoDB-wire database and SMTP
	$(UV) run pytest

e2e: setup  ## the whole story against the running system (starts it if nothing answers); see docs/e2e.md
	@curl -sf -o /dev/null http://127.0.0.1:$$((8001 + $${SKILLEVAL_PORT_OFFSET:-0}))/readyz || $(MAKE) up
	$(UV) run pytest -m e2e tests/e2e/test_whole_story.py -s -p no:cacheprovider

# Each scenario is bounded by CHAOS_SCENARIO_TIMEOUT (seconds); CHAOS_ROWS=1000 for a quick run.
CHAOS_ROWS ?= 10000
chaos: setup  ## fault tests: kill -9 each service, restart Kafka, stop SMTP mid-roster; see docs/chaos.md
	@curl -sf -o /dev/null http://127.0.0.1:$$((8001 + $${SKILLEVAL_PORT_OFFSET:-0}))/readyz || $(MAKE) up
	CHAOS_ROWS=$(CHAOS_ROWS) $(UV) run pytest -m chaos tests/chaos -s -p no:cacheprovider

fuzz: setup  ## schemathesis against every service's OpenAPI as each caller, ~5 min, FUZZ_BUDGET_SECONDS (starts the system if nothing answers); see docs/fuzzing.md
	@curl -sf -o /dev/null http://127.0.0.1:$$((8001 + $${SKILLEVAL_PORT_OFFSET:-0}))/readyz || $(MAKE) up
	$(UV) run pytest -m fuzz tests/fuzz -s -p no:cacheprovider

check: setup  ## lint, format check and strict typing
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy

format: setup
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

bench: setup  ## every ARCHITECTURE.md target on the running system (started if nothing answers) and the floor; see docs/benchmarks.md
	@curl -sf -o /dev/null http://127.0.0.1:$$((8001 + $${SKILLEVAL_PORT_OFFSET:-0}))/readyz || $(MAKE) up
	$(UV) run python -m bench
