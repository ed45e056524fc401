# Sealpost: the one front door. `make help` lists the targets.

GO        ?= go
BIN       := bin
FUZZTIME  ?= 8s
# Release builds: reproducible, no paths, no symbol tables.
RELEASE_FLAGS := -trimpath -ldflags="-s -w -buildid="
# The browser program's build tags. validator_novalidatefn leaves out
# validator's validateFn rule, whose reflect.Value.MethodByName made the
# linker keep every exported method of every type: 23.1 to 15.5 MB.
WASM_TAGS  := -tags validator_novalidatefn
WASM_EXEC  = $(shell $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
# The core's packages that run under GOOS=js (not the CLI, which runs subprocesses
# in its tests, nor the intake, core/receiver, which is native only).
# -short there skips the slowest cases (RSA-3072/4096 keys, the 50 MB round trip).
CORE_WASM_PKGS = $(shell $(GO) list ./core/... | grep -v -e /cmd/ -e /receiver)
GO_FILES   = $(shell find . -name '*.go' -not -path './.git/*')

.PHONY: help build test test-native test-wasm fuzz fuzz-long lint bench demo demo-cli widget deps clean screenshots

help:
	@echo "make demo   run the demo on the embedded defaults"
	@echo "make test   lint, native tests, the core under js/wasm, brief fuzzing"
	@echo "make build  build bin/sealpost and the widget's site in dist/widget (PREFIX=/path to serve it under a path)"
	@echo "make bench  benchmarks"
	@echo "make lint   go vet and gofmt"
	@echo "make fuzz-long FUZZTIME=10m  long fuzzing"
	@echo "make screenshots  write demo/screenshots from the widget in Chromium"

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
widget:
	$(GO) build $(RELEASE_FLAGS) -o $(BIN)/sealpost ./core/cmd/sealpost
	$(GO) run ./wasm -out dist/widget -prefix "$(PREFIX)"
	GOOS=js GOARCH=wasm $(GO) build $(RELEASE_FLAGS) $(WASM_TAGS) -o dist/widget/web/app.wasm ./wasm

deps:
	@bash .ci/deps

lint:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_TAGS) $(CORE_WASM_PKGS) ./widget ./wasm
	@unformatted="$$(gofmt -l $(GO_FILES))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

test: deps lint test-native test-wasm fuzz

test-native:
	$(GO) test -count=1 ./...

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test $(WASM_TAGS) -count=1 -short -exec="$(WASM_EXEC)" $(CORE_WASM_PKGS) ./wasm

# Every Fuzz function in the tree, briefly; fuzz-long is the same for longer.
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash .ci/fuzz

fuzz-long:
	$(MAKE) fuzz FUZZTIME=$(FUZZTIME)

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

clean:
	rm -rf $(BIN)
