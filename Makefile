# ArchStudio. `make run` serves the studio on :8080; `make test` runs every
# test against real PostgreSQL, Redis and Chromium. See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := run

BIN       := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -s -w -X github.com/archstudio/studio/shared/buildinfo.Version=$(VERSION) -X github.com/archstudio/studio/shared/buildinfo.Commit=$(COMMIT)
GOBUILD   := CGO_ENABLED=0 go build -trimpath -tags lambda.norpc -ldflags '$(LDFLAGS)'

# Every function is a directory under functions/ with a main.go.
FUNCTIONS := $(patsubst functions/%/main.go,%,$(wildcard functions/*/main.go))
# Commands: admin tools beside the functions, the router and migrate.
COMMANDS  := $(wildcard functions/*/cmd/*/main.go)
MODULES    = $(shell go list -m -f '{{.Dir}}')
PACKAGES   = $(shell go list $(addsuffix /...,$(MODULES)) 2>/dev/null)

.PHONY: run build functions commands lambda web test test-go test-web bench bench-go lint migrate clean

## build: every function binary, the router and the tools, static, into bin/
build: functions commands
	$(GOBUILD) -o $(BIN)/router ./runtime/cmd/router
	$(GOBUILD) -o $(BIN)/migrate ./migrations/cmd/migrate
	$(GOBUILD) -o $(BIN)/testenv ./shared/testkit/cmd/testenv

functions:
	@mkdir -p $(BIN)/functions
	@for f in $(FUNCTIONS); do echo "build functions/$$f"; $(GOBUILD) -o $(BIN)/functions/$$f ./functions/$$f || exit 1; done

commands:
	@for c in $(COMMANDS); do d=$$(dirname $$c); echo "build $$d"; $(GOBUILD) -o $(BIN)/$$(basename $$d) ./$$d || exit 1; done

## lambda: each function (and migrate) as bin/lambda/<name>/bootstrap for linux/arm64, the CodeUri of
## deploy/aws/template.yaml, zipped to bin/lambda/<name>.zip with each archive's size (fails over 10 MB)
lambda:
	@for f in $(FUNCTIONS); do echo "lambda functions/$$f"; GOOS=linux GOARCH=arm64 $(GOBUILD) -o $(BIN)/lambda/$$f/bootstrap ./functions/$$f || exit 1; done
	@echo "lambda migrations/cmd/migrate"; GOOS=linux GOARCH=arm64 $(GOBUILD) -o $(BIN)/lambda/migrate/bootstrap ./migrations/cmd/migrate
	@go run ./deploy/aws/cmd/lambdazip -dir $(BIN)/lambda -max 10485760

## web: the SPA into web/dist (skipped until web/ has a package.json)
web:
	@if [ -f web/package.json ]; then cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build; fi

## run: build everything and serve the studio on http://localhost:8080
run: build web
	./deploy/local/run.sh

## migrate: apply migrations to DATABASE_URL
migrate:
	go run ./migrations/cmd/migrate up

## test: every Go test with -race against real PostgreSQL and Redis, then the SPA's tests
test: test-go test-web test-faults-stack

test-go:
	@echo "go vet: $(words $(PACKAGES)) packages"
	@go vet $(PACKAGES)
	@echo "go test -race: $(words $(PACKAGES)) packages, real PostgreSQL and Redis"
	@go run ./shared/testkit/cmd/testenv go test -race -count=1 -timeout 20m $(PACKAGES)

# The browser suite drives Debian's Chromium against the whole stack (bin/
# binaries, fake GitHub and Anthropic) that e2estack starts and stops.
test-web: build web
	cd web && npm test
	mkdir -p web/test-results
	E2E_STACK_LOGS=$(CURDIR)/web/test-results/stack.log go run ./shared/testkit/cmd/e2estack npm --prefix web run e2e

## test-faults: the fault suite (faults/, issue 16). First the stream function's fault tests
## (Redis stalled mid-reply, kill -9 mid-reply, the router losing the function and getting SIGTERM
## mid-reply), then the built studio under load while each function is killed and PostgreSQL and
## Redis stop and restart. Each test prints what it saw (-v).
.PHONY: test-faults test-faults-stack
test-faults: build
	@go run ./shared/testkit/cmd/testenv go test -count=1 -v -run '^TestFault' ./functions/stream/
	@$(MAKE) --no-print-directory test-faults-stack

# The whole-stack half of the fault suite, which `make test` runs after the browser suite; the
# stream function's fault tests already ran in test-go. It starts its own PostgreSQL and Redis.
test-faults-stack: build
	cd faults && go test -tags faults -count=1 -v -timeout 10m .

## bench: the performance targets (README: make bench) against the whole stack built in bin/:
## one table of figure, target, pass or SHORT; bench/results.json. BENCH_FLAGS passes options
## (-only ws,sse,latency,throughput,chats,firstdelta,replies; -profile bench/profiles; -ws-conns N).
bench: build
	@go run ./shared/testkit/cmd/bench -out bench/results.json $(BENCH_FLAGS)

## bench-go: the packages' own Go benchmarks (router latency, start-up, quotas, streaming)
bench-go:
	@go run ./shared/testkit/cmd/testenv go test -run '^$$' -bench . -skip Memory -benchmem -benchtime 2s $(PACKAGES)
	@# RSS never shrinks, so memory benchmarks measure one fresh round each.
	@go run ./shared/testkit/cmd/testenv go test -run '^$$' -bench Memory -benchtime 1x ./functions/stream/

## lint: gofmt, go vet, staticcheck and gosec over every Go module; the SPA's ESLint; the API
## contract linted by Redocly (redocly.yaml)
lint:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@go vet $(PACKAGES)
	@go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PACKAGES)
	@# Every finding is fixed or marked `#nosec Gnnn -- reason` on its line.
	@go run github.com/securego/gosec/v2/cmd/gosec@v2.30.0 -quiet -exclude-generated $(addsuffix /...,$(MODULES))
	@cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run --silent gen:api && npm run --silent lint:eslint && npm run --silent lint:api

clean:
	rm -rf $(BIN) web/dist

## lighthouse: Lighthouse mobile scores of /login, /chats, a chat with a diagram and /settings,
## in Debian's Chromium against the e2e stack (fails under LIGHTHOUSE_MIN, default 95)
.PHONY: lighthouse
lighthouse: build web
	mkdir -p web/test-results
	E2E_STACK_LOGS=$(CURDIR)/web/test-results/lighthouse-stack.log go run ./shared/testkit/cmd/e2estack node web/scripts/lighthouse.mjs
