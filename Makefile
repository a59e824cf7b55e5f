# modlat - the dependency graph of the whole experiment pipeline.
# `make help` lists the targets. See README.md.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
# make -n / make -q must change nothing on disk: nothing is built or written
# while the Makefile is read (read before MAKEFLAGS grows long options below)
DRY := $(if $(findstring n,$(firstword -$(MAKEFLAGS))),1,$(if $(findstring q,$(firstword -$(MAKEFLAGS))),1,))
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:
.DEFAULT_GOAL := all

VERSION := 0.1.0
# where experiments are read from and results written to (tests point these
# at a scratch folder)
EXPDIR ?= experiments
DATA ?= data
TABDIR ?= paper/tables
FIGDIR ?= figures
# EXP: the experiment (default paper); a goal under DATA/, TABDIR/ or FIGDIR/
# names its own (make data/smoke/static/conv.h5 means EXP=smoke)
GOAL_EXPS := $(sort $(foreach g,$(filter $(DATA)/% $(TABDIR)/% $(FIGDIR)/%,$(MAKECMDGOALS)),$(firstword \
	$(subst /, ,$(patsubst $(DATA)/%,%,$(patsubst $(TABDIR)/%,%,$(patsubst $(FIGDIR)/%,%,$(g))))))))
ifneq ($(word 2,$(GOAL_EXPS)),)
$(error the goals name several experiments ($(GOAL_EXPS)): make them one at a time)
endif
ifeq ($(origin EXP),undefined)
EXP := $(or $(GOAL_EXPS),paper)
else ifneq ($(GOAL_EXPS),)
ifneq ($(GOAL_EXPS),$(EXP))
$(error EXP=$(EXP), but the goal is a file of experiment $(GOAL_EXPS))
endif
endif
# DATASETS=shipped: the pipeline starts from the committed datasets in
# $(SHIPDIR)/EXP/ENV/MODULE.h5 (copied into DATA) and never runs gen or bench
DATASETS ?= measured
SHIPDIR ?= datasets
ifeq ($(filter measured shipped,$(DATASETS)),)
$(error DATASETS=$(DATASETS): expected measured (the default: gen + bench here) or shipped)
endif
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
# XGBoost grows the boosted trees: only fit-gbt and the unit tests link it
# (src/lib/gbt_xgb.c); prediction walks modlat's own copy of the trees
XGB_CFLAGS := $(if $(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),$(shell pkg-config --cflags xgboost 2>/dev/null),)
XGB_LIBS := $(if $(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),$(shell pkg-config --libs xgboost 2>/dev/null || echo -lxgboost),)
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
XGB_LIB := gbt_xgb
ALL_LIB := $(patsubst src/lib/%.c,%,$(wildcard src/lib/*.c))
MODEL_LIB := $(filter-out $(CORE_LIB) $(GEN_LIB) $(BENCH_LIB) $(IMPORT_LIB) $(REPORT_LIB) \
	$(PREDICT_LIB) $(XGB_LIB),$(ALL_LIB))
lib_objs = $(patsubst %,$(BUILD)/lib/%.o,$(filter $(ALL_LIB),$(1)))

# The sanitizer build never replaces bin/: its commands go to build/asan/bin
# (and a pipeline run with SANITIZE=1 uses them).
ifeq ($(SANITIZE),1)
BINDIR := $(BUILD)/bin
else
BINDIR := bin
endif
COMMANDS := $(patsubst src/cmd/%.c,%,$(wildcard src/cmd/*.c))
BINS := $(patsubst %,$(BINDIR)/%,$(COMMANDS))
# which library groups each command links
# (split-config checks every RM's settings, as the fits read them)
cmd_libs = $(CORE_LIB) $(if $(filter split-config,$(1)),$(GEN_LIB) $(MODEL_LIB),$(if $(filter gen,$(1)),$(GEN_LIB),$(if \
	$(filter bench,$(1)),$(BENCH_LIB),$(if $(filter import,$(1)),$(IMPORT_LIB),$(if \
	$(filter select ablate tables,$(1)),$(REPORT_LIB),$(if $(filter predict,$(1)),$(MODEL_LIB) \
	$(PREDICT_LIB) select table sysstat csv,$(MODEL_LIB) $(if $(filter fit-gbt,$(1)),$(XGB_LIB))))))))

all: $(BINS)

$(BUILD)/lib/%.o: src/lib/%.c | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/lib/gbt_xgb.o: CPPFLAGS += $(XGB_CFLAGS)
$(BUILD)/cmd/%.o: src/cmd/%.c | $(BUILD)/cmd
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -MMD -MP -c $< -o $@

.SECONDEXPANSION:
$(BINDIR)/%: $(BUILD)/cmd/%.o $$(call lib_objs,$$(call cmd_libs,%)) | $(BINDIR)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

TEST_SRCS := $(wildcard tests/test_*.c)
UNIT := $(BUILD)/tests/unit
$(UNIT): $(BUILD)/tests/unit.o $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(TEST_SRCS)) \
		$(call lib_objs,$(ALL_LIB)) | $(BUILD)/tests
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -lcunit -o $@
$(BINDIR)/fit-gbt $(UNIT): LDLIBS += $(XGB_LIBS)

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
B := $(BINDIR)
EXP_MODULES :=
EXP_ENVS :=
PIPELINE_GOALS := datasets models evals tables figures paper $(DATA)/% $(FIGDIR)/% $(TABDIR)/%
ifneq ($(filter $(PIPELINE_GOALS),$(MAKECMDGOALS)),)
ifeq ($(wildcard $(EXPDIR)/$(EXP)),)
$(error $(EXPDIR)/$(EXP): no such experiment (see $(EXPDIR)/))
endif
# split-config checks the whole experiment while make reads this file, so a
# broken experiment stops every goal that reads it with split-config's one
# line (file and line); it rewrites a fragment only when its content
# changes. Under make -n / -q it writes nothing and only says which
# fragments would change (they become phony, so make shows what they rerun);
# there it needs split-config already built.
ifeq ($(DRY),)
SPLIT_BUILD := $(shell MAKEFLAGS= MAKELEVEL= $(MAKE) -s --no-print-directory SANITIZE=$(SANITIZE) \
	NATIVE=$(NATIVE) $(B)/split-config >&2 || echo failed)
ifneq ($(SPLIT_BUILD),)
$(error cannot build $(B)/split-config (see above))
endif
SPLIT := $(shell $(B)/split-config --mk $(EXPDIR)/$(EXP) -o $(CFG))
else
ifeq ($(wildcard $(B)/split-config),)
$(error make -n/-q: $(B)/split-config is not built, and reading the experiment needs it: run make first)
endif
SPLIT := $(shell $(B)/split-config --mk -n $(EXPDIR)/$(EXP) -o $(CFG))
endif
ifneq ($(.SHELLSTATUS),0)
$(error $(or $(SPLIT),$(B)/split-config failed on $(EXPDIR)/$(EXP)))
endif
EXP_MODULES := $(patsubst m:%,%,$(filter m:%,$(SPLIT)))
EXP_ENVS := $(patsubst e:%,%,$(filter e:%,$(SPLIT)))
CHANGED_FRAGMENTS := $(patsubst c:%,%,$(filter c:%,$(SPLIT)))
ifneq ($(DRY),)
ifneq ($(CHANGED_FRAGMENTS),)
.PHONY: $(CHANGED_FRAGMENTS)
$(CHANGED_FRAGMENTS) &:
	$(B)/split-config $(EXPDIR)/$(EXP) -o $(CFG)
endif
endif
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
DATASET_FILES := $(foreach e,$(EXP_ENVS),$(patsubst %,$(D)/$(e)/%.h5,$(EXP_MODULES)))

# What determines a measurement: its fragment (the settings), the samples,
# and the code that draws and measures them, not every library file (the
# writers, config parsing, util, the lock and the journal do not change a
# latency): editing those rebuilds bin/gen and bin/bench, which are then only
# order-only prerequisites, and re-measures nothing. README "Incremental
# rebuilds".
GEN_SRCS := src/cmd/gen.c $(foreach f,sample rng module,src/lib/$(f).c src/lib/$(f).h)
BENCH_SRCS := src/cmd/bench.c $(foreach f,bench backend backend_onednn load sysstat rng module,src/lib/$(f).c \
	src/lib/$(f).h)

ifeq ($(DATASETS),measured)
$(GENS): $(D)/%.gen.h5: $(CFG)/gen.%.ini $(GEN_SRCS) | $(B)/gen
	$(B)/gen $(QUIET_FLAG) -e $< --name $(EXP) $* -o $@

# measurements run here, never through $(SRUN): they characterise this machine
define bench_rule
$$(patsubst %,$(D)/$(1)/%.h5,$$(EXP_MODULES)): $(D)/$(1)/%.h5: $(D)/%.gen.h5 $(CFG)/bench.$(1).%.ini $(BENCH_SRCS) | $(B)/bench $(D)/$(1)
	$(B)/bench $(QUIET_FLAG) -e $(CFG)/bench.$(1).$$*.ini --env $(1) $$< -o $$@
endef
$(foreach e,$(EXP_ENVS),$(eval $(call bench_rule,$(e))))
else
# shipped: each dataset is a copy of the committed one, byte for byte (so
# everything after it is the same as from a measured file of the same
# bytes); a copy that differs from the shipped file is replaced, one that
# does not is left alone (and nothing after it reruns)
SHIPPED := $(patsubst $(D)/%,$(SHIPDIR)/$(EXP)/%,$(DATASET_FILES))
ifneq ($(filter $(PIPELINE_GOALS),$(MAKECMDGOALS)),)
SHIP_MISSING := $(firstword $(filter-out $(wildcard $(SHIPPED)),$(SHIPPED)))
ifneq ($(SHIP_MISSING),)
$(error DATASETS=shipped: $(SHIP_MISSING): no such shipped dataset (commit the measured one there, or measure without DATASETS=shipped))
endif
endif
SHIP_DIFFERS := $(if $(DATASET_FILES),$(shell for f in $(DATASET_FILES); do \
	[ ! -e "$$f" ] || cmp -s "$$f" "$(SHIPDIR)/$(EXP)/$${f\#$(D)/}" || echo "$$f"; done))
.PHONY: FORCE_SHIPPED
FORCE_SHIPPED:
$(SHIP_DIFFERS): FORCE_SHIPPED
define shipped_rule
$$(patsubst %,$(D)/$(1)/%.h5,$$(EXP_MODULES)): $(D)/$(1)/%.h5: $(SHIPDIR)/$(EXP)/$(1)/%.h5 | $(D)/$(1)
	cmp -s $$< $$@ 2>/dev/null || cp $$< $$@
endef
$(foreach e,$(EXP_ENVS),$(eval $(call shipped_rule,$(e))))
endif
$(foreach e,$(EXP_ENVS),$(eval $(D)/$(e): ; mkdir -p $$@))

# ---- models and evaluations --------------------------------------------
# variant -> fitting command and options; the fragment is the base RM's
RM_VARIANTS := lr rf mlp medn medn-d medn-xi medn-xm medn-r lop gbt gbt-ca
rm_base = $(firstword $(subst -, ,$(1)))
rm_flags = $(if $(filter medn-d,$(1)),--direct,)$(if $(filter %-xi,$(1)),--features no-inferable,)$(if \
	$(filter %-xm,$(1)),--features no-measurable,)$(if $(filter %-r,$(1)),--features sampling,)$(if \
	$(filter %-ca,$(1)),--features channels,)

MODELS := $(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(foreach v,$(RM_VARIANTS),$(D)/$(e)/models/$(m).$(v).h5)))
EVALS := $(subst /models/,/evals/,$(MODELS))

# Fits and evaluations may run on a cluster: $(SRUN) prefixes them. They
# take the bench lock shared, so they never run during a measurement here.
define model_rule
$(D)/$(1)/models/$(2).$(3).h5: $(D)/$(1)/$(2).h5 $(CFG)/fit.$(2).$(call rm_base,$(3)).ini $(B)/fit-$(call rm_base,$(3)) | $(D)/$(1)/models
	$(SRUN) $(B)/fit-$(call rm_base,$(3)) $(QUIET_FLAG) -e $(CFG)/fit.$(2).$(call rm_base,$(3)).ini $(call rm_flags,$(3)) $$< -o $$@
$(D)/$(1)/evals/$(2).$(3).h5 $(D)/$(1)/evals/$(2).$(3).tps.h5 &: $(D)/$(1)/models/$(2).$(3).h5 $(D)/$(1)/$(2).h5 $(B)/evaluate | $(D)/$(1)/evals
	$(SRUN) $(B)/evaluate $(QUIET_FLAG) $(D)/$(1)/models/$(2).$(3).h5 $(D)/$(1)/$(2).h5 -o $(D)/$(1)/evals/$(2).$(3).h5 -t $(D)/$(1)/evals/$(2).$(3).tps.h5
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
$(D)/$(1)/selection.h5 $(TAB)/table6.$(1).md $(TAB)/table6.$(1).csv $(TAB)/table6.$(1).tex &: $(call env_evals,$(1),$(RM_VARIANTS)) $(call env_tps,$(1),$(RM_VARIANTS)) $(call env_datasets,$(1)) $(B)/select | $(TAB)
	$(B)/select $(QUIET_FLAG) $(EPS) -o $(D)/$(1)/selection.h5 --table $(TAB)/table6.$(1) $(call env_evals,$(1),$(RM_VARIANTS))
$(TAB)/ablation.$(1).md $(TAB)/ablation.$(1).csv $(TAB)/ablation.$(1).tex &: $(call env_evals,$(1),$(ABLATION_VARIANTS)) $(call env_datasets,$(1)) $(B)/ablate | $(TAB)
	$(B)/ablate $(QUIET_FLAG) -o $(TAB)/ablation.$(1) $(call env_evals,$(1),$(ABLATION_VARIANTS))
endef
$(foreach e,$(EXP_ENVS),$(eval $(call report_rule,$(e))))
SELECTIONS := $(foreach e,$(EXP_ENVS),$(D)/$(e)/selection.h5)
REPORT_TABLES := $(foreach e,$(EXP_ENVS),$(foreach x,md csv tex,$(TAB)/table6.$(e).$(x) $(TAB)/ablation.$(e).$(x)))
TABLES_OUT := $(foreach x,md csv tex,$(TAB)/fig1.$(x) $(foreach e,$(EXP_ENVS),$(TAB)/table5.$(e).$(x) $(TAB)/paper-vs-ours.$(e).$(x))) \
	$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(TAB)/scatter/$(e).$(m).csv $(TAB)/scatter/$(e).$(m).txt))
define tables_rule
$(TABLES_OUT) &: $(EVALS) $(patsubst %.h5,%.tps.h5,$(EVALS)) $(DATASET_FILES) $(SELECTIONS) paper/reference/paper-table5.csv $(B)/tables | $(TAB)/scatter
	$(B)/tables $(QUIET_FLAG) --exp $(EXP) --reference paper/reference -o $(TAB) $(D)
endef
$(if $(TABLES_OUT),$(eval $(tables_rule)))
$(TAB) $(TAB)/scatter:
	mkdir -p $@

.PHONY: datasets models evals tables
datasets: $(DATASET_FILES)
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
	tests/badinput.sh && $(MAKE) --no-print-directory SANITIZE=1 $(patsubst bin/%,build/asan/bin/%,$(BINS)) && BIN=build/asan/bin tests/badinput.sh
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

# mutation testing (README "Mutation testing"); not part of check
.PHONY: mutate
mutate: $(UNIT)
	tests/mutate.sh

help:
	@echo "modlat $(VERSION) - module latency prediction pipeline"
	@echo
	@echo "  make tables         the whole pipeline on EXP: datasets, models, evaluations, tables"
	@echo "  make figures        the figures (gnuplot) into figures/EXP/"
	@echo "  make paper          paper/paper.pdf (needs pdflatex)"
	@echo "  make datasets       gen + bench every module in every environment of EXP"
	@echo "  make $(DATA)/EXP/ENV/MODULE.h5   one dataset (EXP from the path)"
	@echo "  make all            build bin/ (the default)"
	@echo "  make models         fit every RM variant on every dataset of EXP"
	@echo "  make evals          evaluate every model (metrics + timing files)"
	@echo "  make benchmark      fit/predict/bench speed figures, bench overhead, contention and"
	@echo "                     repeatability ceiling per dataset of EXP (quiet machine)"
	@echo "  make check          unit tests (also under ASan+UBSan) and end-to-end tests"
	@echo "  make mutate         plant tests/mutants.txt's bugs one by one: the unit tests' kill rate"
	@echo "  make deps           install the Debian packages modlat needs (root)"
	@echo "  make clean          remove build/ and bin/ (data/ is kept)"
	@echo
	@echo "  EXP=NAME (default paper)  ENV=static|dynamic (default both)  SANITIZE=1  NATIVE=1"
	@echo "  QUIET=1  SRUN='srun ...' (fits, evaluations)  EPS='--eps-acc A --eps-r2 R'"
	@echo "  DATASETS=shipped  start from $(SHIPDIR)/EXP/ENV/MODULE.h5 (no gen, no bench)"

clean:
	rm -rf build bin
