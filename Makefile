# Sealpost: the one front door. `make help` lists the targets.

GO        ?= go
BIN       := bin
TOOLS     := $(CURDIR)/bin/tools
FUZZTIME  ?= 8s
# Native builds and tests use go1.27.3 (export GOTOOLCHAIN=go1.27.3), for
# the standard library's fixes the intake needs: .ci/go.env says why.
include .ci/go.env
# The browser program (GOOS=js) is built and tested with the machine's own Go
# (1.26.8 here): go1.27.3 made app.wasm 2,733,412 -> 2,916,207 bytes brotli
# (+183 KB, same commit), and the fixes it brings are in net/http's server
# and transport, crypto/tls, crypto/x509 and net/textproto, which the browser
# program never runs: the browser does the network (XMLHttpRequest, its own
# TLS). make lint checks that (.ci/README.md#the-go-toolchains).
WASM_ENV   = GOTOOLCHAIN=local GOOS=js GOARCH=wasm
WASM_GO    = $(WASM_ENV) $(GO)
# -race needs cgo, so a C compiler; where there is none, the quick tier runs
# without it (and says so).
RACE       = $(if $(filter 1,$(shell $(GO) env CGO_ENABLED)),-race)
# Release builds: reproducible, no paths, no symbol tables.
RELEASE_FLAGS := -trimpath -ldflags="-s -w -buildid="
# The browser program's build tags. validator_novalidatefn leaves out
# validator's validateFn rule, whose reflect.Value.MethodByName made the
# linker keep every exported method of every type: 23.1 to 15.5 MB.
WASM_TAGS  := -tags validator_novalidatefn
WASM_EXEC  = $(shell GOTOOLCHAIN=local $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
# The core's packages that run under GOOS=js (not the CLI, which runs subprocesses
# in its tests, nor the intake, core/receiver, which is native only).
# -short there skips the slowest cases (RSA-3072/4096 keys, the 50 MB round trip).
CORE_WASM_PKGS = $(shell $(GO) list ./core/... | grep -v -e /cmd/ -e /receiver)
GO_FILES   = $(shell find . -name '*.go' -not -path './.git/*')

.PHONY: help build test test-quick test-native test-wasm fuzz fuzz-long lint tools bench demo demo-cli widget deps clean screenshots

help:
	@echo "make demo        the two seed pages with the widget, the intake and a mailbox (PORT=8080)"
	@echo "make demo-cli    walk through the command line (demo/run)"
	@echo "make test-quick  the quick tier: go test -short -race, no program but Go (under 3 minutes)"
	@echo "make test        the full tier, as CI: deps, lint, test-native, test-wasm, fuzz"
	@echo "make test-native every native test, with -race (needs make deps)"
	@echo "make test-wasm   the core's and the browser program's tests under GOOS=js (needs Node)"
	@echo "make build  build bin/sealpost and the widget's site in dist/widget (PREFIX=/path to serve it under a path;"
	@echo "           CONFIG_URL=URL[,URL] to lock it to your config, CONFIG_SIGNER=FINGERPRINT to ask for its signature)"
	@echo "make widget      bin/sealpost and dist/widget, uncompressed (what make demo serves)"
	@echo "make lint        go vet, gofmt, staticcheck, govulncheck (natively and for GOOS=js)"
	@echo "make fuzz        every Fuzz function for FUZZTIME (8s)"
	@echo "make fuzz-long   every Fuzz function for 10 minutes (FUZZTIME=1h for longer)"
	@echo "make bench       benchmarks, natively and in Chromium (demo/bench/README.md)"
	@echo "make screenshots write demo/screenshots from the widget in Chromium"
	@echo "make deps        install what the full tier needs (.ci/deps; Debian packages need root)"
	@echo "make tools       install make lint's Go tools into bin/tools"
	@echo "make clean       remove dist/ and bin/sealpost (keeps bin/tools)"
	@echo "make help        this list"

# bin/sealpost, and the widget's static site in dist/widget: the page, go-app's
# loader, the stylesheet, and web/app.wasm (also gzip- and brotli-compressed
# when those tools are installed).
# Every text file and the wasm get .gz and .br siblings, for a server's
# gzip_static / brotli_static (nginx) or precompressed (Caddy).
COMPRESSED = web/app.wasm app.js wasm_exec.js app.css index.html app-worker.js manifest.webmanifest sealpost.js web/sealpost.css web/icon.svg
build: widget
	@cd dist/widget && for f in $(COMPRESSED); do \
	  if command -v gzip >/dev/null; then gzip -9 -k -f $$f; fi; \
	  if command -v brotli >/dev/null; then brotli -q 11 -k -f $$f; fi; \
	done
	@cd dist/widget && ls -l $(COMPRESSED) $(addsuffix .br,$(COMPRESSED)) 2>/dev/null | awk '{n += $$5; print "built " $$9 ": " $$5 " bytes"} /\.br$$/ {br += $$5} END {print "all files, brotli: " br " bytes"}'
	@echo "sealpost.js integrity: sha384-$$(openssl dgst -sha384 -binary dist/widget/sealpost.js | openssl base64 -A)"

# bin/sealpost and the widget's static site, uncompressed (what make demo needs).
# PREFIX=/sealpost builds the site to be served under that path.
PREFIX ?=
# CONFIG_URL=https://www.example.com/sealpost/config.json (one or several URLs,
# space or comma separated) locks the widget to those configs: any other ?config=
# is refused unfetched. CONFIG_SIGNER=FINGERPRINT makes it refuse a config without
# a valid config.json.asc by that key (sealpost config sign). Both are baked into
# app.wasm by the linker (-X); the site generator checks them first.
CONFIG_URL ?=
CONFIG_SIGNER ?=
comma := ,
empty :=
space := $(empty) $(empty)
LOCK_FLAGS = -X main.configURL=$(subst $(space),$(comma),$(strip $(subst $(comma),$(space),$(CONFIG_URL)))) -X main.configSigner=$(strip $(CONFIG_SIGNER))
widget:
	$(GO) build $(RELEASE_FLAGS) -o $(BIN)/sealpost ./core/cmd/sealpost
	$(GO) run ./wasm -out dist/widget -prefix "$(PREFIX)" -config-url "$(CONFIG_URL)" -config-signer "$(CONFIG_SIGNER)"
	$(WASM_GO) build -trimpath -ldflags="-s -w -buildid= $(LOCK_FLAGS)" $(WASM_TAGS) -o dist/widget/web/app.wasm ./wasm

# Everything the full tier needs (Debian packages, npm packages, Mailpit, the
# Go tools); installs nothing that is there.
deps:
	@bash .ci/deps

# The Go tools make lint runs, at pinned versions, into bin/tools:
# staticcheck, govulncheck and its vulnerability database (offline).
tools:
	@bash .ci/deps go

# go vet, gofmt and staticcheck, natively and for the browser program
# (GOOS=js); govulncheck on the native build and the browser program.
lint: tools
	$(GO) vet ./...
	$(WASM_GO) vet $(WASM_TAGS) $(CORE_WASM_PKGS) ./widget ./wasm
	@unformatted="$$(gofmt -l $(GO_FILES))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(TOOLS)/staticcheck ./...
	$(WASM_ENV) $(TOOLS)/staticcheck $(WASM_TAGS) $(CORE_WASM_PKGS) ./widget ./wasm
	@GO=$(GO) bash .ci/vulncheck

# The full tier (what CI runs): lint, every test with -race natively, the
# core under GOOS=js, brief fuzzing. Needs make deps (it runs it).
test: deps lint test-native test-wasm fuzz

# The quick tier: every test with -short and -race, and no program but Go
# (and a C compiler, for -race): tests that need Chromium, GnuPG, Sequoia,
# RNP, Node, nginx, Caddy, Mailpit or curl skip, saying so. Under 3 minutes.
test-quick:
	@$(if $(RACE),,echo "no C compiler: testing without -race (it needs cgo; apt-get install gcc)")
	$(GO) test -short $(RACE) ./...

# Every native package with -race, but the browser tests: chromedp v0.23.0
# races with itself there (its event loop reads a frame target's node map
# while the target's first document walk writes it; seen once in CI, in
# TestAPageNotInFrameAncestorsCannotFrameTheForm), which says nothing of
# Sealpost's code, all of which the other packages run under -race.
test-native:
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /demo/e2e)
	$(GO) test -count=1 ./demo/e2e

test-wasm:
	$(WASM_GO) test $(WASM_TAGS) -count=1 -short -exec="$(WASM_EXEC)" $(CORE_WASM_PKGS) ./wasm

# Every Fuzz function in the tree, FUZZTIME each (8 s); fuzz-long gives each
# 10 minutes (make fuzz-long FUZZTIME=1h for more).
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash .ci/fuzz

fuzz-long: FUZZTIME = 10m
fuzz-long: fuzz

# The committed screenshots (demo/screenshots), rendered by the e2e tests'
# real Chromium; make test renders them too, into a temporary folder.
screenshots:
	SCREENSHOTS=$(CURDIR)/demo/screenshots $(GO) test -count=1 -run 'TestScreenshots' ./demo/e2e

# Native benchmarks, then the widget in Chromium (needs make build's dist/).
bench: build
	@bash .ci/bench

# make demo: the vendor site with both seed pages (PORT), the widget's origin
# (PORT+1), the receiver (PORT+2) and Mailpit (8025, when make deps installed
# it). make demo PORT=9000 moves them. make demo-cli walks through the CLI.
PORT ?= 8080
demo: widget
	$(GO) run ./demo/site -port $(PORT)

demo-cli: widget
	@PORT=$(PORT) bash demo/run

# What make build and make widget wrote: dist/ and bin/sealpost (not the
# tools in bin/tools, which take minutes to build again).
clean:
	rm -rf dist $(BIN)/sealpost
