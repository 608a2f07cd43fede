# Bragg — build, run and test. `make run` and `make test` work on a fresh
# Debian 12 machine: missing system packages are installed first (as root),
# or the exact apt-get line is printed.

GO       ?= go
FUZZTIME ?= 5s
# FyneApp.toml declares [Migrations] fyneDo = true: every UI update goes
# through fyne.Do. The fyne tool turns that into this build tag; with plain
# go build we pass it ourselves, or Fyne logs thread warnings on stderr.
# no_emoji leaves out Fyne's 4 MB colour emoji font, which Fyne otherwise
# parses for every text style at the first frame (about 0.2 s of startup
# under software GL) and which no text of Bragg's draws from: every view
# renders pixel for pixel the same without it (gui --snapshot, compared).
export GOFLAGS := -tags=migrated_fynedo,no_emoji
# What Fyne's OpenGL/GLFW driver needs to compile (cgo).
BUILD_DEBS := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
              libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev

.PHONY: all run build test bench fuzz smoke deps print-debs snapshot clean

all: build

# deps installs the missing build packages, or says how to.
deps:
	@missing=$$(for p in $(BUILD_DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing: $$missing"; \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
		else \
			echo "missing Debian packages; run:"; \
			echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $$missing"; \
			exit 1; \
		fi; \
	fi

print-debs:
	@echo $(BUILD_DEBS)

build: deps
	$(GO) build -o bragg .

# run opens the GUI on the built-in demo pattern.
run: build
	LANG=$${LANG:-en_US.UTF-8} ./bragg

test: deps
	$(GO) test ./...

bench:
	CGO_ENABLED=0 $(GO) test -run '^$$' -bench . -benchmem ./...

# fuzz runs every fuzz target for FUZZTIME each (make fuzz FUZZTIME=10m to dig deeper);
# .ci/fuzz says which failures count.
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash .ci/fuzz

# smoke runs the built binary on real scans in ../shared (see .ci/smoke).
smoke: build
	bash .ci/smoke

# snapshot renders the main window, its candidates, the database browser
# and the teaching mode with the demo to docs/.
snapshot: build
	./bragg gui --snapshot docs/screenshot.png
	./bragg gui --snapshot docs/phases.png --view candidates
	./bragg gui --snapshot docs/browser.png --view browser
	./bragg gui --snapshot docs/teaching.png --view teach

clean:
	rm -f bragg
