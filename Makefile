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
# Cluster mode (README "Running on a Slurm cluster"): `make -j32 tables
# CLUSTER=slurm` runs every fit, evaluation, selection, ablation and table as
# a Slurm job step through scripts/slurm-step.sh (which checks that the node
# sees the files, cancels the job on Ctrl-C and leaves no output when a job
# fails); gen and bench stay here. Per-step requests: SLURM_CPUS (cores of
# every step), SLURM_CPUS_RF (fit-rf's, for its threads), SLURM_MEM_<KIND>
# (srun --mem), SLURM_TIME (minutes); SLURM_OPTS passes anything else to
# srun (partition, account, qos). The defaults are about 4x what the paper
# experiment's largest steps measured (README).
CLUSTER ?=
ifeq ($(filter slurm,$(CLUSTER)),)
ifneq ($(CLUSTER),)
$(error CLUSTER=$(CLUSTER): expected slurm (or nothing: every step runs here))
endif
endif
SLURM_OPTS ?=
SLURM_TIME ?= 30
# what one Slurm job does: `module` (the default) fits and evaluates every
# variant of one module in one environment (18 jobs on the paper experiment;
# a job costs Slurm ~0.1 s, more than a small fit takes), `model` one model
# and its evaluation (288 jobs: more parallelism for long fits on many nodes)
SLURM_JOBS ?= module
ifeq ($(filter module model,$(SLURM_JOBS)),)
$(error SLURM_JOBS=$(SLURM_JOBS): expected module (a job per module and environment) or model (a job per model))
endif
SLURM_CPUS ?= 1
SLURM_CPUS_RF ?= 2
# a fit's job also evaluates its model (CLUSTER=slurm runs both as one job),
# so no fit asks for less than an evaluation
SLURM_MEM_LR ?= 1G
SLURM_MEM_RF ?= 1G
SLURM_MEM_MLP ?= 1G
SLURM_MEM_MEDN ?= 1G
SLURM_MEM_LOP ?= 1G
SLURM_MEM_GBT ?= 1G
# a module's job (SLURM_JOBS=module) runs its fits one after the other: its
# peak is the largest step's
SLURM_MEM_MODULE ?= 1G
SLURM_MEM_EVALUATE ?= 1G
SLURM_MEM_REPORT ?= 512M
# the low-level escape hatch, without CLUSTER: a prefix of every step that
# CLUSTER=slurm runs through Slurm (`SRUN='srun -N1 -n1 -c2'`); no node
# check, no cancel on Ctrl-C, no clean-up of a failed job's outputs
SRUN ?=
ifneq ($(CLUSTER),)
ifneq ($(SRUN),)
$(error CLUSTER=$(CLUSTER) and SRUN=$(SRUN): give one of them (SRUN is the low-level form of CLUSTER))
endif
endif
# step KIND, OUTPUTS: what runs a step of that kind (LR RF MLP MEDN LOP GBT
# EVALUATE REPORT MODULE) that writes OUTPUTS
step = $(if $(CLUSTER),scripts/slurm-step.sh $(foreach o,$(2),--out $(o)) -c $(if $(filter RF,$(1)),$(SLURM_CPUS_RF),$(SLURM_CPUS)) \
	--mem $(SLURM_MEM_$(1)) -t $(SLURM_TIME) $(SLURM_OPTS) --,$(SRUN))
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
CORE_LIB := err rng h5io attrs dataset config module util lock network
GEN_LIB := sample
BENCH_LIB := backend backend_onednn sysstat journal load bench netrun_onednn netbench
IMPORT_LIB := csv import
REPORT_LIB := select table report
PREDICT_LIB := predictor
NETREPORT_LIB := netreport
XGB_LIB := gbt_xgb
ALL_LIB := $(patsubst src/lib/%.c,%,$(wildcard src/lib/*.c))
MODEL_LIB := $(filter-out $(CORE_LIB) $(GEN_LIB) $(BENCH_LIB) $(IMPORT_LIB) $(REPORT_LIB) \
	$(PREDICT_LIB) $(NETREPORT_LIB) $(XGB_LIB),$(ALL_LIB))
# libmodlat and the benchmarks: everything but the XGBoost fitting (a gbt
# model is walked by rf.c's code, so prediction needs no XGBoost)
LIBMODLAT_LIB := $(filter-out $(XGB_LIB),$(ALL_LIB))
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
# (split-config checks every RM's settings, as the fits read them; tables
# predicts the networks' layers)
cmd_libs = $(CORE_LIB) $(if $(filter tables,$(1)),$(REPORT_LIB) $(MODEL_LIB) $(PREDICT_LIB) sysstat \
	$(NETREPORT_LIB),$(if $(filter split-config,$(1)),$(GEN_LIB) $(MODEL_LIB),$(if $(filter gen,$(1)),$(GEN_LIB),$(if \
	$(filter bench,$(1)),$(BENCH_LIB),$(if $(filter import,$(1)),$(IMPORT_LIB),$(if \
	$(filter select ablate tables,$(1)),$(REPORT_LIB),$(if $(filter predict,$(1)),$(MODEL_LIB) \
	$(PREDICT_LIB) select table sysstat csv,$(MODEL_LIB) $(if $(filter fit-gbt,$(1)),$(XGB_LIB)))))))))

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
$(BUILD)/bench/%: bench/%.c $(call lib_objs,$(LIBMODLAT_LIB)) | $(BUILD)/bench
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(call lib_objs,$(LIBMODLAT_LIB)) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD) $(BUILD)/lib $(BUILD)/pic $(BUILD)/cmd $(BUILD)/tests $(BUILD)/bin $(BUILD)/bench bin:
	mkdir -p $@

# ---- libmodlat: the library, installable -----------------------------------
# `make install PREFIX=DIR` installs include/modlat.h, libmodlat.so (only the
# modlat_* functions exported) and libmodlat.a, the commands as modlat-NAME
# (plain names such as import and select would shadow other programs), and
# lib/pkgconfig/modlat.pc: `cc prog.c $$(pkg-config --cflags --libs modlat)`.
PREFIX ?= /usr/local
DESTDIR ?=
SOMAJOR := 0
LIB_SO := $(BUILD)/libmodlat.so.$(VERSION)
LIB_A := $(BUILD)/libmodlat.a
PIC_OBJS := $(patsubst %,$(BUILD)/pic/%.o,$(LIBMODLAT_LIB))

$(BUILD)/pic/%.o: src/lib/%.c | $(BUILD)/pic
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -MMD -MP -c $< -o $@
$(LIB_SO): $(PIC_OBJS) src/lib/libmodlat.map
	$(CC) -shared $(LDFLAGS) -Wl,-soname,libmodlat.so.$(SOMAJOR) \
		-Wl,--version-script,src/lib/libmodlat.map $(PIC_OBJS) $(LDLIBS) -o $@
$(LIB_A): $(call lib_objs,$(LIBMODLAT_LIB))
	rm -f $@ && ar rcs $@ $^
.PHONY: lib install
lib: $(LIB_SO) $(LIB_A)
# modlat.pc's Libs carries an rpath, so a program built against a PREFIX
# outside the loader's path runs as it is
install: all lib
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/modlat.h $(DESTDIR)$(PREFIX)/include/modlat.h
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libmodlat.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libmodlat.so.$(SOMAJOR)
	ln -sf libmodlat.so.$(SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libmodlat.so
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: modlat' 'Description: DNN module latency prediction (modlat)' \
		'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -Wl,-rpath,$${libdir} -lmodlat' \
		'Libs.private: $(strip $(PKG_LIBS) -ldnnl -lgomp -lm -lpthread)' \
		>$(DESTDIR)$(PREFIX)/lib/pkgconfig/modlat.pc
	for c in $(COMMANDS); do install -m 755 $(BINDIR)/$$c $(DESTDIR)$(PREFIX)/bin/modlat-$$c; done

-include $(wildcard $(BUILD)/*/*.d)

# ---------------------------------------------------------------------------
# The pipeline: experiment -> per-step fragments -> gen -> bench -> ...

D := $(DATA)/$(EXP)
CFG := $(D)/cfg
B := $(BINDIR)
EXP_MODULES :=
EXP_ENVS :=
PIPELINE_GOALS := datasets models evals tables figures paper networks $(DATA)/% $(FIGDIR)/% $(TABDIR)/%
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
RM_VARIANTS := lr rf mlp medn medn-d medn-xi medn-xm medn-r lop gbt gbt-ca mlp-log medn-log medn-es \
	medn-ca-log-es
rm_base = $(firstword $(subst -, ,$(1)))
# a base RM's name in capitals (its SLURM_MEM_ suffix)
uc = $(subst g,G,$(subst b,B,$(subst t,T,$(subst l,L,$(subst r,R,$(subst f,F,$(subst m,M,$(subst p,P,$(subst e,E,$(subst d,D,$(subst n,N,$(subst \
	o,O,$(1)))))))))))))
# a variant's flags, from the words of its name (medn-ca-log-es: channels,
# log inputs, early stopping)
rm_words = $(wordlist 2,9,$(subst -, ,$(1)))
rm_flags = $(strip $(if $(filter d,$(call rm_words,$(1))),--direct) $(if $(filter xi,$(call \
	rm_words,$(1))),--features no-inferable) $(if $(filter xm,$(call rm_words,$(1))),--features \
	no-measurable) $(if $(filter r,$(call rm_words,$(1))),--features sampling) $(if $(filter \
	run,$(call rm_words,$(1))),--features run-state) $(if $(filter both,$(call \
	rm_words,$(1))),--features both) $(if $(filter ca,$(call rm_words,$(1))),--features \
	channels) $(if $(filter log,$(call rm_words,$(1))),--log-inputs) $(if $(filter es,$(call \
	rm_words,$(1))),--early-stop))
# the ablation's variants that see the state during the timed runs: no
# predictor knows it at query time, so selection never gets them; only in
# the dynamic environment (in the static one the quiet guard holds that
# state near zero by construction)
ABLATION_ONLY := medn-run medn-both
env_variants = $(RM_VARIANTS) $(if $(filter dynamic,$(1)),$(ABLATION_ONLY))

MODELS := $(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(foreach v,$(call env_variants,$(e)),$(D)/$(e)/models/$(m).$(v).h5)))
EVALS := $(subst /models/,/evals/,$(MODELS))

# ENV, MODULE, VARIANT -> the evaluation's outputs; the fit's and the
# evaluation's command lines
eval_outs = $(D)/$(1)/evals/$(2).$(3).h5 $(D)/$(1)/evals/$(2).$(3).tps.h5
fit_cmd = $(B)/fit-$(call rm_base,$(3)) $(QUIET_FLAG) -e $(CFG)/fit.$(2).$(call rm_base,$(3)).ini $(call rm_flags,$(3)) $(D)/$(1)/$(2).h5 -o $(D)/$(1)/models/$(2).$(3).h5
eval_cmd = $(B)/evaluate $(QUIET_FLAG) $(D)/$(1)/models/$(2).$(3).h5 $(D)/$(1)/$(2).h5 -o $(D)/$(1)/evals/$(2).$(3).h5 -t $(D)/$(1)/evals/$(2).$(3).tps.h5
# Fits and evaluations may run on a cluster: with CLUSTER=slurm a model and
# its evaluation are one target, made by one Slurm job (scripts/steps.sh:
# the fit, then the evaluation), since a job costs Slurm about as much as a
# smoke fit takes; so a new evaluate refits there too. They take the bench
# lock shared, so they never run during a measurement on the same machine.
define model_rule
ifeq ($(CLUSTER),)
$(D)/$(1)/models/$(2).$(3).h5: $(D)/$(1)/$(2).h5 $(CFG)/fit.$(2).$(call rm_base,$(3)).ini $(B)/fit-$(call rm_base,$(3)) | $(D)/$(1)/models
	$(SRUN) $(call fit_cmd,$(1),$(2),$(3))
$(call eval_outs,$(1),$(2),$(3)) &: $(D)/$(1)/models/$(2).$(3).h5 $(D)/$(1)/$(2).h5 $(B)/evaluate | $(D)/$(1)/evals
	$(SRUN) $(call eval_cmd,$(1),$(2),$(3))
else ifeq ($(SLURM_JOBS),model)
$(D)/$(1)/models/$(2).$(3).h5 $(call eval_outs,$(1),$(2),$(3)) &: $(D)/$(1)/$(2).h5 $(CFG)/fit.$(2).$(call rm_base,$(3)).ini $(B)/fit-$(call rm_base,$(3)) $(B)/evaluate | $(D)/$(1)/models $(D)/$(1)/evals
	$(call step,$(call uc,$(call rm_base,$(3))),$(D)/$(1)/models/$(2).$(3).h5 $(call eval_outs,$(1),$(2),$(3))) scripts/steps.sh $(call fit_cmd,$(1),$(2),$(3)) ';;' $(call eval_cmd,$(1),$(2),$(3))
endif
endef
# CLUSTER=slurm SLURM_JOBS=module: every variant of MODULE in ENV, fitted and
# evaluated by one job; any of its inputs changed reruns them all (the same
# bytes for the variants it did not touch)
module_outs = $(foreach v,$(call env_variants,$(1)),$(D)/$(1)/models/$(2).$(v).h5 $(call eval_outs,$(1),$(2),$(v)))
module_bases = $(sort $(foreach v,$(call env_variants,$(1)),$(call rm_base,$(v))))
define module_rule
$(call module_outs,$(1),$(2)) &: $(D)/$(1)/$(2).h5 $(foreach b,$(call module_bases,$(1)),$(CFG)/fit.$(2).$(b).ini $(B)/fit-$(b)) $(B)/evaluate | $(D)/$(1)/models $(D)/$(1)/evals
	$(call step,MODULE,$(call module_outs,$(1),$(2))) scripts/steps.sh $(foreach v,$(call env_variants,$(1)),$(call fit_cmd,$(1),$(2),$(v)) ';;' $(call eval_cmd,$(1),$(2),$(v)) ';;')
endef
ifeq ($(CLUSTER)$(SLURM_JOBS),slurmmodule)
$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(eval $(call module_rule,$(e),$(m)))))
else
$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(foreach v,$(call env_variants,$(e)),$(eval $(call model_rule,$(e),$(m),$(v))))))
endif
$(foreach e,$(EXP_ENVS),$(eval $(D)/$(e)/models $(D)/$(e)/evals: ; mkdir -p $$@))

# ---- selection, ablation, tables -----------------------------------------
TAB := $(TABDIR)/$(EXP)
ABLATION_VARIANTS = medn medn-d medn-xi medn-xm medn-r $(if $(filter dynamic,$(1)),$(ABLATION_ONLY))
env_evals = $(foreach m,$(EXP_MODULES),$(foreach v,$(2),$(D)/$(1)/evals/$(m).$(v).h5))
env_tps = $(patsubst %.h5,%.tps.h5,$(call env_evals,$(1),$(2)))
env_datasets = $(patsubst %,$(D)/$(1)/%.h5,$(EXP_MODULES))
define report_rule
$(D)/$(1)/selection.h5 $(TAB)/table6.$(1).md $(TAB)/table6.$(1).csv $(TAB)/table6.$(1).tex &: $(call env_evals,$(1),$(RM_VARIANTS)) $(call env_tps,$(1),$(RM_VARIANTS)) $(call env_datasets,$(1)) $(B)/select | $(TAB)
	$(call step,REPORT,$(D)/$(1)/selection.h5 $(TAB)/table6.$(1).md $(TAB)/table6.$(1).csv $(TAB)/table6.$(1).tex) $(B)/select $(QUIET_FLAG) $(EPS) -o $(D)/$(1)/selection.h5 --table $(TAB)/table6.$(1) $(call env_evals,$(1),$(RM_VARIANTS))
$(TAB)/ablation.$(1).md $(TAB)/ablation.$(1).csv $(TAB)/ablation.$(1).tex &: $(call env_evals,$(1),$(call ABLATION_VARIANTS,$(1))) $(call env_datasets,$(1)) $(B)/ablate | $(TAB)
	$(call step,REPORT,$(TAB)/ablation.$(1).md $(TAB)/ablation.$(1).csv $(TAB)/ablation.$(1).tex) $(B)/ablate $(QUIET_FLAG) -o $(TAB)/ablation.$(1) $(call env_evals,$(1),$(call ABLATION_VARIANTS,$(1)))
endef
$(foreach e,$(EXP_ENVS),$(eval $(call report_rule,$(e))))
SELECTIONS := $(foreach e,$(EXP_ENVS),$(D)/$(e)/selection.h5)
REPORT_TABLES := $(foreach e,$(EXP_ENVS),$(foreach x,md csv tex,$(TAB)/table6.$(e).$(x) $(TAB)/ablation.$(e).$(x)))
TABLES_OUT := $(foreach x,md csv tex,$(TAB)/fig1.$(x) $(foreach e,$(EXP_ENVS),$(TAB)/table5.$(e).$(x) $(TAB)/paper-vs-ours.$(e).$(x) $(TAB)/levers.$(e).$(x))) \
	$(foreach e,$(EXP_ENVS),$(foreach m,$(EXP_MODULES),$(TAB)/scatter/$(e).$(m).csv $(TAB)/scatter/$(e).$(m).txt))
define tables_rule
$(TABLES_OUT) &: $(EVALS) $(patsubst %.h5,%.tps.h5,$(EVALS)) $(DATASET_FILES) $(SELECTIONS) paper/reference/paper-table5.csv $(B)/tables | $(TAB)/scatter
	$(call step,REPORT,$(TABLES_OUT)) $(B)/tables $(QUIET_FLAG) --exp $(EXP) --reference paper/reference -o $(TAB) $(D)
endef
$(if $(TABLES_OUT),$(eval $(tables_rule)))
$(TAB) $(TAB)/scatter:
	mkdir -p $@

.PHONY: datasets models evals tables
datasets: $(DATASET_FILES)
models: $(MODELS)
evals: $(EVALS)
tables: $(REPORT_TABLES) $(TABLES_OUT)

# ---- whole networks: measured end to end, and the networks tables --------
# Each shipped description (networks/NAME.net) at each batch of NET_BATCHES
# is measured by bench --network into data/EXP/networks/NAME.bN.h5, with the
# static environment's [bench] settings; `make networks` measures them all.
# NETWORKS defaults to every shipped network for EXP=paper and to none for
# other experiments (NETWORKS='resnet18 vgg16' picks some). With
# DATASETS=shipped nothing is measured: the network files are those shipped in
# SHIPDIR/EXP/networks/ (copied) or already in data/EXP/networks/, and the
# networks tables are made when there are any.
NETDIR ?= networks
NETWORKS ?= $(if $(filter paper,$(EXP)),$(sort $(basename $(notdir $(wildcard $(NETDIR)/*.net)))),)
NET_BATCHES ?= 1 8
NET_MOD := $(firstword $(EXP_MODULES))
NET_SRCS := src/cmd/bench.c $(foreach f,netbench netrun network,$(wildcard src/lib/$(f)*.c src/lib/$(f).h))
NET_ALL := $(foreach n,$(NETWORKS),$(foreach b,$(NET_BATCHES),$(D)/networks/$(n).b$(b).h5))
ifeq ($(filter static,$(EXP_ENVS)),)
NET_ALL :=
endif
ifeq ($(DATASETS),measured)
NET_FILES := $(NET_ALL)
define net_rule
$(D)/networks/$(1).b$(2).h5: $(NETDIR)/$(1).net $(CFG)/bench.static.$(NET_MOD).ini $(NET_SRCS) | $(B)/bench $(D)/networks
	$(B)/bench $(QUIET_FLAG) -e $(CFG)/bench.static.$(NET_MOD).ini --network $$< --batch $(2) -o $$@
endef
$(foreach n,$(NETWORKS),$(foreach b,$(NET_BATCHES),$(eval $(call net_rule,$(n),$(b)))))
else
NET_SHIPPED := $(filter $(patsubst $(D)/%,$(SHIPDIR)/$(EXP)/%,$(NET_ALL)),$(wildcard $(SHIPDIR)/$(EXP)/networks/*.h5))
NET_FILES := $(filter $(patsubst $(SHIPDIR)/$(EXP)/%,$(D)/%,$(NET_SHIPPED)) $(wildcard $(D)/networks/*.h5),$(NET_ALL))
$(patsubst $(SHIPDIR)/$(EXP)/%,$(D)/%,$(NET_SHIPPED)): $(D)/%: $(SHIPDIR)/$(EXP)/% | $(D)/networks
	cmp -s $< $@ 2>/dev/null || cp $< $@
endif
$(D)/networks:
	mkdir -p $@
NET_TABLES := $(if $(NET_FILES),$(foreach t,networks networks-rm networks-modules,$(foreach x,md csv tex,$(TAB)/$(t).$(x))),)
ifneq ($(NET_TABLES),)
$(NET_TABLES) &: $(NET_FILES) $(D)/static/selection.h5 $(call env_evals,static,$(RM_VARIANTS)) $(B)/tables | $(TAB)
	$(B)/tables $(QUIET_FLAG) --exp $(EXP) --networks $(D)/static -o $(TAB) $(NET_FILES)
endif
.PHONY: networks
networks: $(NET_ALL)
tables: $(NET_TABLES)

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

.PHONY: all check check-cluster unit e2e protocol deps help clean distclean benchmark

unit: $(UNIT)
	$(UNIT)

check: unit e2e protocol
	$(MAKE) --no-print-directory unit SANITIZE=1
	tests/badinput.sh && $(MAKE) --no-print-directory SANITIZE=1 $(patsubst bin/%,build/asan/bin/%,$(BINS)) && BIN=build/asan/bin tests/badinput.sh
	tests/corrupt.sh
	tests/install.sh
	tests/networks.sh

e2e: all
	tests/e2e.sh

# the pipeline through a real localhost Slurm (README "Running on a Slurm
# cluster"); not part of check: it installs slurm-wlm and munge and starts
# daemons (as root)
check-cluster: all
	tests/cluster.sh

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
	@echo "  make networks       bench --network of every shipped network (networks/) at batch 1"
	@echo "                     and 8 (NETWORKS=..., NET_BATCHES=...) into $(DATA)/EXP/networks/"
	@echo "  make install        libmodlat, modlat.h, modlat.pc and the commands into PREFIX"
	@echo "  make $(DATA)/EXP/ENV/MODULE.h5   one dataset (EXP from the path)"
	@echo "  make all            build bin/ (the default)"
	@echo "  make models         fit every RM variant on every dataset of EXP"
	@echo "  make evals          evaluate every model (metrics + timing files)"
	@echo "  make benchmark      fit/predict/bench speed figures, bench overhead, contention and"
	@echo "                     repeatability ceiling per dataset of EXP (quiet machine)"
	@echo "  make check          unit tests (also under ASan+UBSan) and end-to-end tests"
	@echo "  make check-cluster  the pipeline through a localhost Slurm (root; installs slurm-wlm, munge)"
	@echo "  make mutate         plant tests/mutants.txt's bugs one by one: the unit tests' kill rate"
	@echo "  make deps           install the Debian packages modlat needs (root)"
	@echo "  make clean          remove build/ and bin/ (data/ is kept)"
	@echo
	@echo "  EXP=NAME (default paper)  ENV=static|dynamic (default both)  SANITIZE=1  NATIVE=1"
	@echo "  QUIET=1  EPS='--eps-acc A --eps-r2 R'  SRUN='srun ...' (a prefix of the steps below)"
	@echo "  CLUSTER=slurm  fits, evaluations, selection, ablation, tables as Slurm job steps;"
	@echo "                 SLURM_JOBS=module|model (one job per module and environment, or per model)"
	@echo "                 SLURM_OPTS='-p P -A A --qos Q'  SLURM_CPUS=$(SLURM_CPUS) SLURM_CPUS_RF=$(SLURM_CPUS_RF)"
	@echo "                 SLURM_MEM_{MODULE,LR,RF,MLP,MEDN,LOP,GBT,EVALUATE,REPORT}  SLURM_TIME=$(SLURM_TIME) (minutes)"
	@echo "  DATASETS=shipped  start from $(SHIPDIR)/EXP/ENV/MODULE.h5 (no gen, no bench)"

clean:
	rm -rf build bin
