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

# User programs (servers/<name>/<name>.asm -> build/servers/<name>.elf, a
# static ELF64 at 0x400000), each a GRUB boot module of every ISO.
SERVERS    := hello bye ipcserver ipcclient
SERVER_ELF := $(foreach s,$(SERVERS),$(BUILD)/servers/$(s).elf)

# Kernel test modes: each gets an ISO whose GRUB command line says test=<mode>.
TEST_MODES := fault core

.PHONY: all iso run debug test bench deps clean
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

# --- the kernel ----------------------------------------------------------------
$(BUILD)/kernel/kernel.wasm: $(KERNEL_TS) kernel/asconfig.json $(BUILD)/.deps
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
# The system-call numbers for NASM, generated from the one table in
# kernel/syscalls.ts (lines `export const SYS_<NAME>: u32 = <n>;`).
$(BUILD)/servers/syscalls.inc: kernel/syscalls.ts
	@mkdir -p $(dir $@)
	sed -n 's/^export const \(SYS_[A-Z_0-9]*\): u32 = \([0-9]*\);.*/\1 equ \2/p' $< > $@

$(BUILD)/servers/%.o: servers/%.asm $(wildcard servers/lib/*.inc) $(BUILD)/servers/syscalls.inc $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -i servers/lib/ -i $(BUILD)/servers/ -o $@ $<

define SERVER_RULE
$(BUILD)/servers/$(1).elf: $(BUILD)/servers/$(1)/$(1).o
	$$(LD) -static -nostdlib -e _start -Ttext-segment=0x400000 -z noexecstack -o $$@ $$<
endef
$(foreach s,$(SERVERS),$(eval $(call SERVER_RULE,$(s))))

# --- the ISO ---------------------------------------------------------------------
# qemu/mkiso.sh <kernel.elf> <kernel command line> <out.iso> [program.elf ...]
$(BUILD)/os.iso: $(BUILD)/kernel.elf $(SERVER_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "" $@ $(SERVER_ELF)

$(BUILD)/test-%.iso: $(BUILD)/kernel.elf $(SERVER_ELF) qemu/mkiso.sh boot/grub.cfg.in
	bash qemu/mkiso.sh $< "test=$*" $@ $(SERVER_ELF)

# --- use it ------------------------------------------------------------------------
# RUN_FLAGS picks the boot configuration: make run RUN_FLAGS="--uefi --usb"
# (see qemu/run.sh; the default is BIOS firmware, ISO as a CD).
RUN_FLAGS ?=
run: $(BUILD)/os.iso
	bash qemu/run.sh $(RUN_FLAGS) $<

debug: $(BUILD)/os.iso
	bash qemu/run.sh --debug $(RUN_FLAGS) $<

test: $(BUILD)/os.iso $(foreach m,$(TEST_MODES),$(BUILD)/test-$(m).iso) $(WASMC)
	npx tsc -p tsconfig.json
	npx vitest run

# Benchmarks: figures in build/bench/*.json (see README.md, Benchmarks).
# Host part: the backend vs V8 on the same Wasm (toolchain/bench/).
# Guest part: the boot figures under QEMU (tests/bench/boot.ts).
bench: $(BUILD)/os.iso $(BUILD)/.deps
	@mkdir -p $(BUILD)/bench
	npm run -s bench
	$(ESBUILD) tests/bench/boot.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning --outfile=$(BUILD)/bench/boot.mjs
	$(NODE) $(BUILD)/bench/boot.mjs

clean:
	rm -rf $(BUILD)
