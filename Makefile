# The whole build, one rule per step of the pipeline (see README.md):
#   kernel/**/*.ts --asc--> kernel.wasm --wasmc--> kernel.asm --nasm--> kernel.o
#   boot/*.asm --nasm--> boot objects;  ld -T boot/linker.ld --> kernel.elf
#   grub-mkrescue --> build/os.iso (hybrid: BIOS + UEFI, CD + USB stick)
# Every target first makes sure the host has what it needs (build/.deps).

BUILD   := build
NODE    := node
ASC     := node_modules/.bin/asc
ESBUILD := node_modules/.bin/esbuild
NASM    := nasm
LD      := ld

WASMC        := $(BUILD)/toolchain/wasmc.js
TOOLCHAIN_TS := $(shell find toolchain/src -name '*.ts' 2>/dev/null)
KERNEL_TS    := $(shell find kernel -name '*.ts' 2>/dev/null)
BOOT_ASM     := $(wildcard boot/*.asm)
BOOT_INC     := $(wildcard boot/*.inc)
BOOT_OBJ     := $(patsubst boot/%.asm,$(BUILD)/boot/%.o,$(BOOT_ASM))

# User programs, each a GRUB boot module of every ISO (in this order):
# AssemblyScript ones (servers/<name>/main.ts -> build/servers/<name>.elf
# through asc and wasmc --target=user) and NASM ones
# (servers/<name>/<name>.asm -> a static ELF64 at 0x400000).
TS_SERVERS   := hello trap
NASM_SERVERS := bye ipcserver ipcclient
SERVERS    := $(TS_SERVERS) $(NASM_SERVERS)
SERVER_ELF := $(foreach s,$(SERVERS),$(BUILD)/servers/$(s).elf)
SERVER_LIB_TS := $(wildcard servers/lib/*.ts)

# Programs only some test ISOs carry (NASM, as above): the CPU-bound pair
# of the preemption test (build/preempt.iso: them and the IPC pair).
TEST_SERVERS := spina spinb
PREEMPT_ELF  := $(foreach s,spina spinb ipcserver ipcclient,$(BUILD)/servers/$(s).elf)

# The system: init (the only process the kernel starts when a module is
# named init; kernel/sys_process.ts), its clock, the serial driver and the
# shell (AssemblyScript). build/system.iso carries only them; init starts
# the others from its boot manifest (servers/init/bootmanifest.ts).
# Storage (servers/pci, the block drivers virtioblk and ahci, fs; issue 6)
# is part of the system (init's manifest starts them; a driver without a
# device idles, fs uses whichever found a disk). build/storage.iso
# (tests/qemu/storage.test.ts) carries the same modules.
STORAGE_SERVERS := pci virtioblk ahci fs
# The screen: the console server (servers/console/main.ts: framebuffer or
# VGA text, built with the font of `make font`) and the PS/2 keyboard driver.
SCREEN_SERVERS := console kbd
SYSTEM_SERVERS := init ticker serial shell bulksink flaky $(STORAGE_SERVERS) $(SCREEN_SERVERS) faultload
SYSTEM_ELF     := $(foreach s,$(SYSTEM_SERVERS),$(BUILD)/servers/$(s).elf)
STORAGE_ELF     := $(SYSTEM_ELF)

# The in-OS test suite and the guest benchmarks (servers/ktest, servers/kbench;
# tests/qemu/ktest.test.ts, tests/bench/kernel.ts). Each ISO carries its
# main program as the boot module "init" (build/<iso>/init.elf: the initial
# process, which alone may create objects and spawn processes) and its
# helpers, which it spawns. Not in os.iso.
KTEST_TS    := ktest ktestpeer kbench kbenchpeer
KTEST_NASM  := ktestcrash
KTEST_ELF   := $(BUILD)/ktest/init.elf $(BUILD)/servers/ktestpeer.elf $(BUILD)/servers/ktestcrash.elf
BENCH_ELF   := $(BUILD)/kbench/init.elf $(BUILD)/servers/kbenchpeer.elf

# The syscall fuzzer (issue 8; servers/fuzz: the supervisor, boot module
# "init"; servers/fuzzer, fuzzcanary, fuzzpoke). build/fuzz.iso runs the
# bounded CI version (tests/qemu/fuzz.test.ts); `make fuzz SECONDS=n [SEED=n]
# [CHUNK=n] [TRACE=1]` builds build/fuzz-run.iso with those settings on the
# kernel command line and runs it (QEMU ends with the verdict). Not in os.iso.
FUZZ_TS  := fuzz fuzzer fuzzcanary fuzzpoke
FUZZ_ELF := $(BUILD)/fuzz/init.elf $(BUILD)/servers/fuzzer.elf $(BUILD)/servers/fuzzcanary.elf $(BUILD)/servers/fuzzpoke.elf
FUZZ_CI_CMDLINE := fuzz.calls=100000
# The IPC load test (issue 8, item 5; tests/qemu/load.test.ts): servers/load
# (the server, boot module "init") and 8 servers/loadclient processes of 4
# threads, 10,000 calls per thread (load.calls=<n> on the command line).
LOAD_TS  := load loadclient
LOAD_ELF := $(BUILD)/load/init.elf $(BUILD)/servers/loadclient.elf
# Confinement tests (issue 8; tests/qemu/confine.test.ts): NASM programs
# that each try one forbidden thing (an I/O instruction, reading kernel
# memory, writing code, executing data, capability calls without
# capabilities); build/confine.iso runs them all (no init). Not in os.iso.
CONFINE_NASM := confio confkread confcode confdata confsys
CONFINE_ELF  := $(foreach s,$(CONFINE_NASM),$(BUILD)/servers/$(s).elf)

# Kernel test modes: each gets an ISO whose GRUB command line says test=<mode>.
TEST_MODES := fault core timer pictimer smap smep

.PHONY: all iso run run-system debug test bench deps clean abi usb font fuzz
all: iso
iso: $(BUILD)/os.iso

# --- host set-up -----------------------------------------------------------
deps: $(BUILD)/.deps
$(BUILD)/.deps: toolchain/deps.sh package.json package-lock.json
	@mkdir -p $(BUILD)
	bash toolchain/deps.sh
	@if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
	@touch $@

# --- the backend -------------------------------------------------------------
$(WASMC): $(TOOLCHAIN_TS) $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(ESBUILD) toolchain/src/cli.ts --bundle --platform=node --format=esm --target=node20 --sourcemap --log-level=warning --outfile=$@

# --- files generated from the system-call table ------------------------------------
# toolchain/src/abi/syscalls.ts is the one table; abigen rewrites the
# committed files made from it (kernel/syscalls.ts, kernel/syscall_dispatch.ts,
# servers/lib/sys.ts, toolchain/runtime/user.ld) when their content changes;
# tests/toolchain/abi.test.ts fails when they are stale. `make abi` forces it.
ABIGEN    := $(BUILD)/toolchain/abigen.js
ABI_STAMP := $(BUILD)/.abi-stamp
$(ABIGEN): $(TOOLCHAIN_TS) $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(ESBUILD) toolchain/src/abi/gen-cli.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile=$@

ABI_INPUTS := $(wildcard toolchain/src/abi/*.ts) toolchain/src/traps.ts kernel/errors.ts
$(ABI_STAMP): $(ABI_INPUTS) | $(ABIGEN)
	$(NODE) $(ABIGEN)
	@touch $@

abi: $(ABIGEN)
	$(NODE) $(ABIGEN)
	@touch $(ABI_STAMP)

# --- the kernel ----------------------------------------------------------------
$(BUILD)/kernel/kernel.wasm: $(KERNEL_TS) kernel/asconfig.json $(ABI_STAMP) $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(ASC) kernel/main.ts --config kernel/asconfig.json --target release -o $@

$(BUILD)/kernel/kernel.asm: $(BUILD)/kernel/kernel.wasm $(WASMC)
	$(NODE) $(WASMC) $< --target=kernel -o $@

$(BUILD)/kernel/kernel.o: $(BUILD)/kernel/kernel.asm
	$(NASM) -f elf64 -g -F dwarf -o $@ $<

$(BUILD)/boot/%.o: boot/%.asm $(BOOT_INC) $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -i boot/ -o $@ $<

$(BUILD)/kernel.elf: $(BOOT_OBJ) $(BUILD)/kernel/kernel.o boot/linker.ld
	$(LD) -n -z max-page-size=0x1000 -T boot/linker.ld -o $@ $(BOOT_OBJ) $(BUILD)/kernel/kernel.o

# --- user programs -----------------------------------------------------------------
# The system-call numbers and constants for NASM, generated from the table.
$(BUILD)/servers/syscalls.inc: $(ABI_INPUTS) | $(ABIGEN)
	$(NODE) $(ABIGEN) --nasm=$@

$(BUILD)/servers/%.o: servers/%.asm $(wildcard servers/lib/*.inc) $(BUILD)/servers/syscalls.inc $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -i servers/lib/ -i $(BUILD)/servers/ -o $@ $<

define SERVER_RULE
$(BUILD)/servers/$(1).elf: $(BUILD)/servers/$(1)/$(1).o
	$$(LD) -static -nostdlib -e _start -Ttext-segment=0x400000 -z noexecstack -o $$@ $$<
endef
$(foreach s,$(NASM_SERVERS) $(TEST_SERVERS) $(KTEST_NASM) $(CONFINE_NASM),$(eval $(call SERVER_RULE,$(s))))

# AssemblyScript programs (servers/README.md): main.ts and servers/lib ->
# asc (servers/asconfig.json) -> wasmc --target=user -> nasm -> ld with the
# user-program layout toolchain/runtime/user.ld.
define TS_SERVER_RULE
$(BUILD)/servers/$(1)/$(1).wasm: $$(wildcard servers/$(1)/*.ts) $$(SERVER_LIB_TS) servers/asconfig.json $$(ABI_STAMP) $$(BUILD)/.deps
	@mkdir -p $$(dir $$@)
	$$(ASC) servers/$(1)/main.ts --config servers/asconfig.json --target release -o $$@
$(BUILD)/servers/$(1)/$(1).asm: $(BUILD)/servers/$(1)/$(1).wasm $$(WASMC)
	$$(NODE) $$(WASMC) $$< --target=user -o $$@
$(BUILD)/servers/$(1)/$(1).user.o: $(BUILD)/servers/$(1)/$(1).asm
	$$(NASM) -f elf64 -o $$@ $$<
$(BUILD)/servers/$(1).elf: $(BUILD)/servers/$(1)/$(1).user.o toolchain/runtime/user.ld
	$$(LD) -static -nostdlib -z noexecstack -z max-page-size=0x1000 -T toolchain/runtime/user.ld -o $$@ $$<
endef
$(foreach s,$(TS_SERVERS),$(eval $(call TS_SERVER_RULE,$(s))))
$(foreach s,$(SYSTEM_SERVERS),$(eval $(call TS_SERVER_RULE,$(s))))
$(foreach s,$(STORAGE_SERVERS),$(BUILD)/servers/$(s)/$(s).wasm): $(wildcard servers/fs/fat/*.ts)
$(foreach s,$(SYSTEM_SERVERS),$(BUILD)/servers/$(s)/$(s).wasm): $(wildcard servers/names/*.ts)
$(BUILD)/servers/console/console.wasm: $(BUILD)/console/font8x16.ts
$(foreach s,$(KTEST_TS),$(eval $(call TS_SERVER_RULE,$(s))))
$(foreach s,ktestpeer kbench kbenchpeer,$(BUILD)/servers/$(s)/$(s).wasm): $(wildcard servers/ktest/*.ts) $(wildcard servers/kbench/*.ts)
$(foreach s,$(FUZZ_TS),$(eval $(call TS_SERVER_RULE,$(s))))
$(foreach s,$(FUZZ_TS),$(BUILD)/servers/$(s)/$(s).wasm): $(wildcard servers/fuzz/*.ts)
$(foreach s,$(LOAD_TS),$(eval $(call TS_SERVER_RULE,$(s))))
$(foreach s,$(LOAD_TS),$(BUILD)/servers/$(s)/$(s).wasm): $(wildcard servers/load/*.ts)
$(BUILD)/load/init.elf: $(BUILD)/servers/load.elf
	@mkdir -p $(dir $@)
	cp $< $@
$(BUILD)/fuzz/init.elf: $(BUILD)/servers/fuzz.elf
	@mkdir -p $(dir $@)
	cp $< $@
$(BUILD)/ktest/init.elf: $(BUILD)/servers/ktest.elf
	@mkdir -p $(dir $@)
	cp $< $@
$(BUILD)/kbench/init.elf: $(BUILD)/servers/kbench.elf
	@mkdir -p $(dir $@)
	cp $< $@

# --- the ISO ---------------------------------------------------------------------
# qemu/mkiso.sh <kernel.elf> <kernel command line> <out.iso> [program.elf ...]
$(BUILD)/os.iso: $(BUILD)/kernel.elf $(SERVER_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(SERVER_ELF)

$(BUILD)/test-%.iso: $(BUILD)/kernel.elf $(SERVER_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "test=$*" $@ $(SERVER_ELF)

$(BUILD)/preempt.iso: $(BUILD)/kernel.elf $(PREEMPT_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(PREEMPT_ELF)

$(BUILD)/system.iso: $(BUILD)/kernel.elf $(SYSTEM_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(SYSTEM_ELF)

# The same system booted in VGA text mode (GRUB gfxpayload=text): the
# console server's text-mode path (tests/qemu/screen.test.ts).
$(BUILD)/system-text.iso: $(BUILD)/kernel.elf $(SYSTEM_ELF) qemu/mkiso.sh boot/grub.cfg.in
	GFXPAYLOAD=text bash qemu/mkiso.sh $< "" $@ $(SYSTEM_ELF)

$(BUILD)/storage.iso: $(BUILD)/kernel.elf $(STORAGE_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(STORAGE_ELF)

$(BUILD)/ktest.iso: $(BUILD)/kernel.elf $(KTEST_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(KTEST_ELF)

$(BUILD)/confine.iso: $(BUILD)/kernel.elf $(CONFINE_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(CONFINE_ELF)

$(BUILD)/fuzz.iso: $(BUILD)/kernel.elf $(FUZZ_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "$(FUZZ_CI_CMDLINE)" $@ $(FUZZ_ELF)

$(BUILD)/load.iso: $(BUILD)/kernel.elf $(LOAD_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(LOAD_ELF)

$(BUILD)/bench.iso: $(BUILD)/kernel.elf $(BENCH_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(BENCH_ELF)

# The fault-injection campaign (issue 8, item 2; tests/qemu/faults.test.ts):
# the system, where servers/faultload (in every system ISO, idle there)
# runs because the command line says faultload=on.
$(BUILD)/faults.iso: $(BUILD)/kernel.elf $(SYSTEM_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "faultload=on" $@ $(SYSTEM_ELF)

# The storage benchmark (issue 6; servers/fsbench, tests/bench/storage.ts,
# tests/qemu/fsbench.test.ts): the system with servers/fsbench as its boot
# module "shell" (init starts it in the shell's place, with the shell's
# rights: it powers the machine off at the end). The disk image is made on
# the host (mkfs.fat, mcopy) by the script or test that boots it.
FSBENCH_ELF := $(filter-out $(BUILD)/servers/shell.elf,$(SYSTEM_ELF)) $(BUILD)/fsbench/shell.elf
$(eval $(call TS_SERVER_RULE,fsbench))
$(BUILD)/fsbench/shell.elf: $(BUILD)/servers/fsbench.elf
	@mkdir -p $(dir $@)
	cp $< $@
$(BUILD)/fsbench.iso: $(BUILD)/kernel.elf $(FSBENCH_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(FSBENCH_ELF)

# --- the console font -------------------------------------------------------------
# A distribution console font (toolchain/deps.sh installs it) converted into
# the framebuffer console's TSFN format: build/console/font8x16.bin and the
# same bytes as AssemblyScript data, font8x16.ts (tools/font/; licence in
# tools/font/Uni2-VGA16.NOTICE, copied into the .ts).
FONT_PSF := /usr/share/consolefonts/Uni2-VGA16.psf.gz
MKFONT   := $(BUILD)/tools/mkfont.js
FONT_OUT := $(BUILD)/console/font8x16
font: $(FONT_OUT).ts

$(MKFONT): $(wildcard tools/font/*.ts) $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(ESBUILD) tools/font/mkfont.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile=$@

$(FONT_OUT).bin $(FONT_OUT).ts &: $(BUILD)/.deps $(MKFONT) $(FONT_PSF) tools/font/Uni2-VGA16.NOTICE
	$(NODE) $(MKFONT) $(FONT_PSF) tools/font/Uni2-VGA16.NOTICE $(FONT_OUT)

# --- use it ------------------------------------------------------------------------
# RUN_FLAGS picks the boot configuration: make run RUN_FLAGS="--uefi --usb"
# (see qemu/run.sh; the default is BIOS firmware, ISO as a CD).
RUN_FLAGS ?=
# The system: init, its servers and the shell (build/system.iso).
run: $(BUILD)/system.iso
	bash qemu/run.sh $(RUN_FLAGS) $<

# The same (the name it had before make run booted it).
run-system: run

# The demonstration programs of build/os.iso (hello, trap, bye, the IPC pair).
run-demo: $(BUILD)/os.iso
	bash qemu/run.sh $(RUN_FLAGS) $<

# The syscall fuzzer for SECONDS (default 60), from SEED (default: servers/fuzz's).
SECONDS ?= 60
fuzz: $(BUILD)/kernel.elf $(FUZZ_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "fuzz.seconds=$(SECONDS)$(if $(SEED), fuzz.seed=$(SEED))$(if $(CHUNK), fuzz.chunk=$(CHUNK))$(if $(TRACE), fuzz.trace=1)" $(BUILD)/fuzz-run.iso $(FUZZ_ELF)
	bash qemu/run.sh $(RUN_FLAGS) $(BUILD)/fuzz-run.iso

debug: $(BUILD)/os.iso
	bash qemu/run.sh --debug $(RUN_FLAGS) $<

test: $(BUILD)/os.iso $(foreach m,$(TEST_MODES),$(BUILD)/test-$(m).iso) $(BUILD)/preempt.iso $(BUILD)/system.iso $(BUILD)/storage.iso $(BUILD)/fsbench.iso $(BUILD)/faults.iso $(BUILD)/system-text.iso $(BUILD)/ktest.iso $(BUILD)/fuzz.iso $(BUILD)/load.iso $(BUILD)/confine.iso $(WASMC) $(FONT_OUT).bin
	npx tsc -p tsconfig.json
	npx vitest run

# Benchmarks: figures in build/bench/*.json (see README.md, Benchmarks).
# Host part: the backend vs V8 on the same Wasm (toolchain/bench/).
# Guest part: the boot figures under QEMU (tests/bench/boot.ts), the kernel
# benchmarks of servers/kbench on build/bench.iso (tests/bench/kernel.ts) and
# the storage benchmark of servers/fsbench on build/fsbench.iso with a disk
# image made by mkfs.fat (tests/bench/storage.ts).
bench: $(BUILD)/os.iso $(BUILD)/bench.iso $(BUILD)/fsbench.iso $(BUILD)/.deps
	@mkdir -p $(BUILD)/bench
	npm run -s bench
	$(ESBUILD) tests/bench/boot.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile=$(BUILD)/bench/boot.mjs
	$(NODE) $(BUILD)/bench/boot.mjs
	$(ESBUILD) tests/bench/kernel.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile=$(BUILD)/bench/kernel.mjs
	$(NODE) $(BUILD)/bench/kernel.mjs
	$(ESBUILD) tests/bench/storage.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile=$(BUILD)/bench/storage.mjs
	$(NODE) $(BUILD)/bench/storage.mjs

# make usb DEV=/dev/sdX [YES=1]: the ISO onto a USB stick, after the safety
# checks of tools/usb-write.sh (removable, nothing mounted, not the system
# disk; asks for the device name unless YES=1), then a read-back check.
# DEV and YES count only on the command line, never from the environment.
usb:
	@if [ "$(origin DEV)" != "command line" ]; then echo "usage: make usb DEV=/dev/sdX [YES=1]   (lsblk -d -o NAME,SIZE,TRAN,RM,MODEL lists the disks)" >&2; exit 2; fi
	@$(MAKE) --no-print-directory iso
	bash tools/usb-write.sh $(if $(and $(filter command line,$(origin YES)),$(filter 1,$(YES))),--yes) $(BUILD)/os.iso $(DEV)

clean:
	rm -rf $(BUILD)
