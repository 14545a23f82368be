#!/usr/bin/env bash
# qemu-args.sh [--uefi] [--usb] [--icount] <iso>
# Prints the QEMU command line (one argument per line) that boots <iso> in
# one configuration of the boot matrix. The one place that says how the OS is
# run: qemu/run.sh (make run, make debug) and the test harness
# tests/qemu/qemu.ts both use it, and add where the serial port goes.
#
#   firmware: SeaBIOS (QEMU's default) or, with --uefi, OVMF
#   media:    the ISO as a CD (AHCI CD-ROM) or, with --usb, as a USB stick
#             (usb-storage on an xHCI controller) - the same image either way
#   --icount: -icount shift=0, so the guest's rdtsc counts instructions
#             (deterministic figures for benchmarks)
# Environment: QEMU (the emulator binary), OVMF (the UEFI firmware image).
set -euo pipefail

uefi=0 usb=0 icount=0 iso=
for arg in "$@"; do
  case "$arg" in
    --uefi) uefi=1 ;;
    --usb) usb=1 ;;
    --icount) icount=1 ;;
    -*) echo "qemu-args.sh: unknown option $arg" >&2; exit 2 ;;
    *) [ -z "$iso" ] || { echo "qemu-args.sh: more than one ISO" >&2; exit 2; }; iso=$arg ;;
  esac
done
if [ -z "$iso" ]; then
  echo "usage: $0 [--uefi] [--usb] [--icount] <iso>" >&2
  exit 2
fi
if [ ! -f "$iso" ]; then
  echo "qemu-args.sh: no such ISO: $iso (make iso builds build/os.iso)" >&2
  exit 1
fi
ovmf=${OVMF:-/usr/share/ovmf/OVMF.fd}

args=(
  # q35: a PCIe machine with AHCI, like the PCs the OS should boot on. TCG
  # (no KVM) so that every machine runs the same CPU model; -cpu max gives
  # it every feature TCG can emulate (NX, 1 GiB pages, ...).
  -machine q35 -accel tcg -cpu max -m 256M
  -nic none -display none
  # A triple fault or reboot ends QEMU instead of looping through the boot.
  -no-reboot
  # A guest write of v to port 0xf4 ends QEMU with status (v << 1) | 1:
  # 0x10 -> 33 (success), 0x11 -> 35 (failure, as the exception report writes).
  -device isa-debug-exit,iobase=0xf4,iosize=0x04
  -boot menu=off
)
if [ "$uefi" = 1 ]; then
  if [ ! -f "$ovmf" ]; then
    echo "qemu-args.sh: no UEFI firmware at $ovmf (apt-get install ovmf, or set OVMF)" >&2
    exit 1
  fi
  args+=(-bios "$ovmf")
fi
# The boot device gets bootindex=0 so both firmwares try it first. The stick
# uses snapshot=on (writes go to a temporary overlay) and the CD is read-only,
# so any number of QEMUs can boot the same ISO at once.
if [ "$usb" = 1 ]; then
  args+=(-drive "if=none,id=stick,format=raw,snapshot=on,file=$iso"
         -device qemu-xhci,id=xhci
         -device usb-storage,bus=xhci.0,drive=stick,bootindex=0)
else
  args+=(-drive "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=$iso"
         -device ide-cd,drive=cd,bootindex=0)
fi
if [ "$icount" = 1 ]; then
  args+=(-icount shift=0)
fi
printf '%s\n' "${args[@]}"
