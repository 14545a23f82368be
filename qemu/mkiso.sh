#!/usr/bin/env bash
# mkiso.sh <kernel.elf> <kernel command line> <out.iso> [program.elf ...]
# Builds the bootable hybrid ISO (BIOS and UEFI; CD and USB stick) with
# grub-mkrescue: a staging tree beside the output (build/iso-staging/) with /boot/kernel.elf, its symbol
# table /boot/kernel.sym (nm -n, loaded by GRUB as a multiboot2 module), and
# /boot/grub/grub.cfg made from boot/grub.cfg.in. Each user program
# (build/servers/<name>.elf) becomes /boot/<name>.elf, a multiboot2 module
# whose string is <name> (the kernel runs every module but kernel.sym). Called by the Makefile for
# build/os.iso and each build/test-<mode>.iso. Quiet unless something fails.
# GFXPAYLOAD (environment) is GRUB's gfxpayload, the screen mode the kernel
# gets (boot/grub.cfg.in); default 1024x768x32,1024x768,auto; "text" for VGA
# text mode.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 <kernel.elf> <kernel command line> <out.iso> [program.elf ...]" >&2
  exit 2
fi
kernel=$1
cmdline=$2
out=$3
shift 3
repo=$(cd "$(dirname "$0")/.." && pwd)

# One staging tree per output, so that ISOs can be built in parallel.
name=$(basename "$out" .iso)
stage="$(dirname "$out")/iso-staging/$name"
rm -rf "$stage"
mkdir -p "$stage/boot/grub" "$(dirname "$out")"

cp "$kernel" "$stage/boot/kernel.elf"
nm -n "$kernel" > "$stage/boot/kernel.sym"
modules=""
for prog in "$@"; do
  pname=$(basename "$prog" .elf)
  cp "$prog" "$stage/boot/$pname.elf"
  modules="$modules    module2 /boot/$pname.elf $pname\n"
done
# The command line is substituted literally; keep it free of '|' and '&'.
gfx=${GFXPAYLOAD:-1024x768x32,1024x768,auto}
sed -e "s|@CMDLINE@|$cmdline|" -e "s|@GFXPAYLOAD@|$gfx|" -e "s|^ *@MODULES@\$|$modules|" "$repo/boot/grub.cfg.in" > "$stage/boot/grub/grub.cfg"

log="$stage.log"
if ! grub-mkrescue -o "$out.tmp" "$stage" >"$log" 2>&1; then
  cat "$log" >&2
  echo "mkiso.sh: grub-mkrescue failed (log above, also in $log)" >&2
  rm -f "$out.tmp"
  exit 1
fi
mv "$out.tmp" "$out"
