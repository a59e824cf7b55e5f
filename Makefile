# modlat - the dependency graph of the whole experiment pipeline.
# `make help` lists the targets. See README.md.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
.DEFAULT_GOAL := all

VERSION := 0.1.0
EXP ?= paper
# where experiments are read from and results written to (tests point these
# at a scratch folder)
EXPDIR ?= experiments
DATA ?= data
TABDIR ?= paper/tables
FIGDIR ?= figures
SANITIZE ?= 0
NATIVE ?= 0
QUIET ?=
# QUIET=1 (or yes) means --quiet; anything else is passed on as it is
QUIET_FLAG := $(if $(filter 1 yes,$(QUIET)),--quiet,$(QUIET))
# Slurm: `make -j SRUN='srun -N1 -n1 -c2'` runs every fit/evaluation through srun
SRUN ?=
# selection tolerances, e.g. EPS='--eps-acc 0.03 --eps-r2 0.05'
EPS ?=

# ---------------------------------------------------------------------------
# Dependencies: checked (and, as root, installed) before anything compiles.

NODEPS_GOALS := help clean distclean deps
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell scripts/deps.sh --missing),)
$(info modlat: installing missing Debian packages: $(shell scripts/deps.sh --missing))
DEPS_STATUS := $(shell scripts/deps.sh --install >&2 && echo ok)
ifneq ($(DEPS_STATUS),ok)
$(error missing Debian packages; see the line above)
endif
endif
endif

# ---------------------------------------------------------------------------
# Build

ifeq ($(SANITIZE),1)
BUILD := build/asan
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build/release
SANFLAGS :=
endif
ARCHFLAGS := $(if $(filter 1,$(NATIVE)),-march=native,)

PKGS := hdf5 inih openblas lapacke
PKG_CFLAGS := $(if $(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),$(shell pkg-config --cflags $(PKGS) 2>/dev/null),)
PKG_LIBS := $(if $(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),$(shell pkg-config --libs $(PKGS) 2>/dev/null),)
CC := gcc
CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Wshadow -Wno-unused-parameter $(ARCHFLAGS) $(SANFLAGS)
CPPFLAGS := -D_GNU_SOURCE -DMODLAT_VERSION='"$(VERSION)"' -Isrc/lib -Iinclude $(PKG_CFLAGS)
LDFLAGS := $(SANFLAGS)
LDLIBS := $(PKG_LIBS) -ldnnl -lgomp -lm -lpthread

# Library objects, grouped by who needs them, so that an edit relinks (and
# reruns the outputs of) only the commands that use the edited file.
CORE_LIB := err rng h5io attrs dataset config module util lock
GEN_LIB := sample
BENCH_LIB := backend backend_onednn sysstat journal load bench
IMPORT_LIB := csv import
REPORT_LIB := select table report
PREDICT_LIB := predictor
ALL_LIB := $(patsubst src/lib/%.c,%,$(wildcard src/lib/*.c))
MODEL_LIB := $(filter-out $(CORE_LIB) $(GEN_LIB) $(BENCH_LIB) $(IMPORT_LIB) $(REPORT_LIB) \
	$(PREDICT_LIB),$(ALL_LIB))
lib_objs = $(patsubst %,$(BUILD)/lib/%.o,$(filter $(ALL_LIB),$(1)))

COMMANDS := $(patsubst src/cmd/%.c,%,$(wildcard src/cmd/*.c))
BINS := $(patsubst %,bin/%,$(COMMANDS))
# which library groups each command links
cmd_libs = $(CORE_LIB) $(if $(filter gen split-config,$(1)),$(GEN_LIB),$(if \
	$(filter bench,$(1)),$(BENCH_LIB),$(if $(filter import,$(1)),$(IMPORT_LIB),$(if \
	$(filter select ablate tables,$(1)),$(REPORT_LIB),$(if $(filter predict,$(1)),$(MODEL_LIB) \
	$(PREDICT_LIB) select table sysstat csv,$(MODEL_LIB))))))

all: $(BINS)

$(BUILD)/lib/%.o: src/lib/%.c | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/cmd/%.o: src/cmd/%.c | $(BUILD)/cmd
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -MMD -MP -c $< -o $@

# The sanitizer build never replaces bin/: its commands go to build/asan/bin.
ifeq ($(SANITIZE),1)
BINDIR := $(BUILD)/bin
else
BINDIR := bin
endif
.SECONDEXPANSION:
$(BINDIR)/%: $(BUILD)/cmd/%.o $$(call lib_objs,$$(call cmd_libs,%)) | $(BINDIR)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

TEST_SRCS := $(wildcard tests/test_*.c)
UNIT := $(BUILD)/tests/unit
$(UNIT): $(BUILD)/tests/unit.o $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(TEST_SRCS)) \
		$(call lib_objs,$(ALL_LIB)) | $(BUILD)/tests
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcunit -o $@

BENCH_PROGS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))
$(BUILD)/bench/%: bench/%.c $(call lib_objs,$(CORE_LIB) $(MODEL_LIB)) | $(BUILD)/bench
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(call lib_objs,$(CORE_LIB) $(MODEL_LIB)) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/lib $(BUILD)/cmd $(BUILD)/tests $(BUILD)/bin $(BUILD)/bench bin:
	mkdir -p $@

-include $(wildcard $(BUILD)/*/*.d)

# ---------------------------------------------------------------------------
# The pipeline: experiment -> per-step fragments -> gen -> bench -> ...

D := $(DATA)/$(EXP)
CFG := $(D)/cfg
EXP_MODULES :=
EXP_ENVS :=
PIPELINE_GOALS := datasets models evals tables figures paper $(DATA)/% $(FIGDIR)/% $(TABDIR)/%
ifneq ($(filter $(PIPELINE_GOALS),$(MAKECMDGOALS)),)
ifeq ($(wildcard $(EXPDIR)/$(EXP)),)
$(error $(EXPDIR)/$(EXP): no such experiment (see $(EXPDIR)/))
endif
# split-config rewrites a fragment only when its content changes; make
# re-reads config.mk after remaking it
$(CFG)/config.mk: $(wildcard $(EXPDIR)/$(EXP)/*.ini) bin/split-config
	@mkdir -p $(CFG)
	bin/split-config $(EXPDIR)/$(EXP) -o $(CFG)
-include $(CFG)/config.mk
endif

# ENV=static (or dynamic) restricts every target to that environment
ENV ?=
ifneq ($(ENV),)
ifneq ($(EXP_ENVS),)
ifeq ($(filter $(ENV),$(EXP_ENVS)),)
$(error ENV=$(ENV): experiment $(EXP) has the environments $(EXP_ENVS))
endif
endif
EXP_ENVS := $(filter $(ENV),$(EXP_ENVS))
endif

GENS := $(patsubst %,$(D)/%.gen.h5,$(EXP_MODULES))
DATASETS := $(foreach e,$(EXP_ENVS),$(patsubst %,$(D)/$(e)/%.h5,$(EXP_MODULES)))

$(GENS): $(D)/%.gen.h5: $(CFG)/gen.%.ini bin/gen
	bin/gen $(QUIET_FLAG) -e $< --name $(EXP) $* -o $@

# measurements run here, never through $(SRUN): they characterise this machine
define bench_rule
$$(patsubst %,$(D)/$(1)/%.h5,$$(EXP_MODULES)): $(D)/$(1)/%.h5: $(D)/%.gen.h5 $(CFG)/bench.$(1).%.ini bin/bench | $(D)/$(1)
	bin/bench $(QUIET_FLAG) -e $(CFG)/bench.$(1).$$*.ini --env $(1) $$< -o $$@
$(D)/$(1):
	mkdir -p $$@
endef
$(foreach e,$(EXP_ENVS),$(eval $(call bench_rule,$(e))))

# ---- models and evaluations --------------------------------------------
# variant -> fitting command and options; the fragment is the base RM's
RM_VARIANTS := lr rf mlp medn medn-d medn-xi medn-xm medn-r lop
rm_base = $(firstword $(subst -, ,$(1)))
rm_flags = $(if $(filter medn-d,$(1)),--direct,)$(if $(filter %-xi,$(1)),--features no-inferable,)$(if \
	$(filter %-xm,$(1)),--features no-measurable,)$(if $(filter %-r,$(1)),--features sampling,)

MODELS := $(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(foreach v,$(RM_VARIANTS),$(D)/$(e)/models/$(m).$(v).h5)))
EVALS := $(subst /models/,/evals/,$(MODELS))

# Fits and evaluations may run on a cluster: $(SRUN) prefixes them. They
# take the bench lock shared, so they never run during a measurement here.
define model_rule
$(D)/$(1)/models/$(2).$(3).h5: $(D)/$(1)/$(2).h5 $(CFG)/fit.$(2).$(call rm_base,$(3)).ini bin/fit-$(call rm_base,$(3)) | $(D)/$(1)/models
	$(SRUN) bin/fit-$(call rm_base,$(3)) $(QUIET_FLAG) -e $(CFG)/fit.$(2).$(call rm_base,$(3)).ini $(call rm_flags,$(3)) $$< -o $$@
$(D)/$(1)/evals/$(2).$(3).h5 $(D)/$(1)/evals/$(2).$(3).tps.h5 &: $(D)/$(1)/models/$(2).$(3).h5 $(D)/$(1)/$(2).h5 bin/evaluate | $(D)/$(1)/evals
	$(SRUN) bin/evaluate $(QUIET_FLAG) $(D)/$(1)/models/$(2).$(3).h5 $(D)/$(1)/$(2).h5 -o $(D)/$(1)/evals/$(2).$(3).h5 -t $(D)/$(1)/evals/$(2).$(3).tps.h5
endef
$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(foreach v,$(RM_VARIANTS),$(eval $(call model_rule,$(e),$(m),$(v))))))
$(foreach e,$(EXP_ENVS),$(eval $(D)/$(e)/models $(D)/$(e)/evals: ; mkdir -p $$@))

# ---- selection, ablation, tables -----------------------------------------
TAB := $(TABDIR)/$(EXP)
ABLATION_VARIANTS := medn medn-d medn-xi medn-xm medn-r
env_evals = $(foreach m,$(EXP_MODULES),$(foreach v,$(2),$(D)/$(1)/evals/$(m).$(v).h5))
env_tps = $(patsubst %.h5,%.tps.h5,$(call env_evals,$(1),$(2)))
env_datasets = $(patsubst %,$(D)/$(1)/%.h5,$(EXP_MODULES))
define report_rule
$(D)/$(1)/selection.h5 $(TAB)/table6.$(1).md $(TAB)/table6.$(1).csv $(TAB)/table6.$(1).tex &: $(call env_evals,$(1),$(RM_VARIANTS)) $(call env_tps,$(1),$(RM_VARIANTS)) $(call env_datasets,$(1)) bin/select | $(TAB)
	bin/select $(QUIET_FLAG) $(EPS) -o $(D)/$(1)/selection.h5 --table $(TAB)/table6.$(1) $(call env_evals,$(1),$(RM_VARIANTS))
$(TAB)/ablation.$(1).md $(TAB)/ablation.$(1).csv $(TAB)/ablation.$(1).tex &: $(call env_evals,$(1),$(ABLATION_VARIANTS)) $(call env_datasets,$(1)) bin/ablate | $(TAB)
	bin/ablate $(QUIET_FLAG) -o $(TAB)/ablation.$(1) $(call env_evals,$(1),$(ABLATION_VARIANTS))
endef
$(foreach e,$(EXP_ENVS),$(eval $(call report_rule,$(e))))
SELECTIONS := $(foreach e,$(EXP_ENVS),$(D)/$(e)/selection.h5)
REPORT_TABLES := $(foreach e,$(EXP_ENVS),$(foreach x,md csv tex,$(TAB)/table6.$(e).$(x) $(TAB)/ablation.$(e).$(x)))
TABLES_OUT := $(foreach x,md csv tex,$(TAB)/fig1.$(x) $(foreach e,$(EXP_ENVS),$(TAB)/table5.$(e).$(x) $(TAB)/paper-vs-ours.$(e).$(x))) \
	$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(TAB)/scatter/$(e).$(m).csv $(TAB)/scatter/$(e).$(m).txt))
define tables_rule
$(TABLES_OUT) &: $(EVALS) $(patsubst %.h5,%.tps.h5,$(EVALS)) $(DATASETS) $(SELECTIONS) paper/reference/paper-table5.csv bin/tables | $(TAB)/scatter
	bin/tables $(QUIET_FLAG) --exp $(EXP) --reference paper/reference -o $(TAB) $(D)
endef
$(if $(TABLES_OUT),$(eval $(tables_rule)))
$(TAB) $(TAB)/scatter:
	mkdir -p $@

.PHONY: datasets models evals tables
datasets: $(DATASETS)
models: $(MODELS)
evals: $(EVALS)
tables: $(REPORT_TABLES) $(TABLES_OUT)

# ---- figures (gnuplot) and the paper (pdflatex) --------------------------
FIG := $(FIGDIR)/$(EXP)
FIG_STYLE := figures/style.gp
FIGURES := $(foreach x,svg png,$(FIG)/fig1.$(x) $(foreach e,$(EXP_ENVS),$(FIG)/fig4.$(e).$(x) \
	$(foreach m,$(EXP_MODULES),$(FIG)/scatter.$(e).$(m).$(x))))
GNUPLOT ?= gnuplot
HAVE_GNUPLOT := $(shell command -v $(GNUPLOT) 2>/dev/null)

$(FIG)/fig1.%: $(TAB)/fig1.csv figures/fig1.gp $(FIG_STYLE) | $(FIG)
	$(GNUPLOT) -e "in='$<'; out='$@'" figures/fig1.gp
define figure_rule
$(FIG)/fig4.$(1).%: $(TAB)/ablation.$(1).csv figures/fig4.gp $(FIG_STYLE) | $(FIG)
	$(GNUPLOT) -e "in='$$<'; out='$$@'; env='$(1)'" figures/fig4.gp
$(FIG)/scatter.$(1).$(2).%: $(TAB)/scatter/$(1).$(2).csv $(TAB)/scatter/$(1).$(2).txt figures/scatter.gp $(FIG_STYLE) | $(FIG)
	$(GNUPLOT) -e "in='$$<'; out='$$@'; module='$(2)'; env='$(1)'" figures/scatter.gp
endef
$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(eval $(call figure_rule,$(e),$(m)))))
$(FIG):
	mkdir -p $@

.PHONY: figures paper
ifeq ($(HAVE_GNUPLOT),)
figures: tables
	@echo "make figures: gnuplot not found; the tables are built. Install it with: apt-get install gnuplot-nox" >&2
	@exit 1
else
figures: $(FIGURES)
endif

# paper.tex reads the experiment's name from paper/exp.tex
paper: tables figures
	@printf '\\newcommand{\\modlatexp}{%s}\n' '$(EXP)' >paper/exp.tex
	paper/build.sh

# ---------------------------------------------------------------------------
# Tests

.PHONY: all check unit e2e protocol deps help clean distclean benchmark

unit: $(UNIT)
	$(UNIT)

check: unit e2e protocol
	$(MAKE) --no-print-directory unit SANITIZE=1
	tests/corrupt.sh

e2e: all
	tests/e2e.sh

# bench's measurement protocol: the quiet guard, loops, repeats, kill -9
protocol: all
	tests/protocol.sh

deps:
	scripts/deps.sh --install

# speed figures (README "Measured"); real-data part needs EXP's datasets
benchmark: all $(BENCH_PROGS)
	DATA=$(DATA) scripts/benchmark.sh $(EXP)

help:
	@echo "modlat $(VERSION) - module latency prediction pipeline"
	@echo
	@echo "  make tables         the whole pipeline on EXP: datasets, models, evaluations, tables"
	@echo "  make figures        the figures (gnuplot) into figures/EXP/"
	@echo "  make paper          paper/paper.pdf (needs pdflatex)"
	@echo "  make datasets       gen + bench every module in every environment of EXP"
	@echo "  make $(DATA)/EXP/ENV/MODULE.h5   one dataset"
	@echo "  make all            build bin/ (the default)"
	@echo "  make models         fit every RM variant on every dataset of EXP"
	@echo "  make evals          evaluate every model (metrics + timing files)"
	@echo "  make benchmark      fit/predict/bench speed figures, bench overhead, contention and"
	@echo "                     repeatability ceiling per dataset of EXP (quiet machine)"
	@echo "  make check          unit tests (also under ASan+UBSan) and end-to-end tests"
	@echo "  make deps           install the Debian packages modlat needs (root)"
	@echo "  make clean          remove build/ and bin/ (data/ is kept)"
	@echo
	@echo "  EXP=NAME (default paper)  ENV=static|dynamic (default both)  SANITIZE=1  NATIVE=1"
	@echo "  QUIET=1  SRUN='srun ...' (fits, evaluations)  EPS='--eps-acc A --eps-r2 R'"

clean:
	rm -rf build bin
