#!/usr/bin/env bash
# The one list of what the build needs from the distribution, and the check
# that installs it. Called by `make` (through the build/.deps stamp) before
# anything is built. As root it installs what is missing with apt-get; as any
# other user it names the missing packages and the command, and fails.
set -euo pipefail

PACKAGES=(
  qemu-system-x86   # the emulator for `make run` and the boot tests
  nasm              # assembles boot/ and the backend's output
  binutils          # ld, objdump, nm
  gcc               # links the backend's build-host test executables
  grub-pc-bin       # BIOS GRUB for the hybrid ISO
  grub-efi-amd64-bin # UEFI GRUB for the hybrid ISO
  grub-common       # grub-mkrescue
  xorriso           # writes the ISO
  mtools            # the EFI system partition inside the ISO; FAT interop tests
  dosfstools        # mkfs.fat / fsck.fat for the FAT filesystem tests
  ovmf              # UEFI firmware for the UEFI boot tests
  console-setup-linux # the console font (Uni2-VGA16.psf.gz) that make font converts
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing distribution packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
