#!/usr/bin/env bash
# usb-write.sh [--yes] <iso> <device>
# Writes the hybrid ISO to a whole USB stick (`make usb DEV=/dev/sdX`), but
# only after checking, from sysfs and /proc, that the device is a whole
# block device, is not the system disk (root, /boot, /usr ...), has nothing
# mounted, no swap and no device-mapper/RAID holder on it, is removable
# (sysfs `removable`, or attached by USB), is writable, has a medium and is
# big enough. It shows the model, the size and the partitions it will
# overwrite and asks for the device name to be typed (--yes skips that, for
# scripts; make usb passes it for YES=1). Then dd (conv=fsync), sync, and a
# read-back whose SHA-256 over the ISO's length must match.
# Every refusal says why and exits 1; a usage error exits 2.
#
# Test mode (TSOS_USB_TEST=1, for tests/tools/usb-write.test.ts only): the
# sysfs and proc trees come from SYSFS_ROOT and PROC_ROOT, and a regular file
# may stand in for the device. Without TSOS_USB_TEST those are ignored.
set -euo pipefail

say() { echo "usb-write: $*" >&2; }
refuse() { say "refusing: $*"; exit 1; }

yes=0 iso= dev=
for arg in "$@"; do
  case "$arg" in
    --yes|-y) yes=1 ;;
    -*) say "unknown option $arg"; exit 2 ;;
    *) if [ -z "$iso" ]; then iso=$arg; elif [ -z "$dev" ]; then dev=$arg; else say "too many arguments"; exit 2; fi ;;
  esac
done
if [ -z "$iso" ] || [ -z "$dev" ]; then
  echo "usage: $0 [--yes] <iso> <device>     (make usb DEV=/dev/sdX [YES=1])" >&2
  echo "  lsblk -d -o NAME,SIZE,TRAN,RM,MODEL   lists the disks; pick the stick" >&2
  exit 2
fi

test_mode=0
sys=/sys proc=/proc
if [ "${TSOS_USB_TEST:-0}" = 1 ]; then
  test_mode=1
  sys=${SYSFS_ROOT:-/sys} proc=${PROC_ROOT:-/proc}
  say "TEST MODE: sysfs=$sys proc=$proc"
fi

[ -f "$iso" ] || { say "no such ISO: $iso (make iso builds build/os.iso)"; exit 1; }
iso_size=$(stat -L -c %s "$iso")

# --- what the device is ---------------------------------------------------------
[ -e "$dev" ] || refuse "$dev does not exist (plug the stick in; lsblk lists the disks)"
real=$(readlink -f "$dev")
name=$(basename "$real")
if [ -b "$real" ]; then :
elif [ "$test_mode" = 1 ] && [ -f "$real" ]; then say "TEST MODE: $real is a regular file standing in for a device"
else refuse "$dev is not a block device"
fi
node="$sys/class/block/$name"
[ -e "$node" ] || refuse "$dev ($name) is not in $sys/class/block: not a disk the kernel knows"
if [ -e "$node/partition" ]; then
  parent=$(basename "$(dirname "$(readlink -f "$node")")")
  refuse "$dev is a partition; write the ISO to the whole stick (/dev/$parent), not to a partition"
fi
[ -d "$sys/block/$name" ] || refuse "$dev is not a whole disk ($sys/block/$name missing)"
disk="$sys/block/$name"

# The device, its partitions, and whatever is stacked on them (device
# mapper, RAID, LVM: the holders), recursively, as kernel names.
names=()
collect() {
  local n=$1 h
  names+=("$n")
  for h in "$sys/class/block/$n/holders/"*; do [ -e "$h" ] && collect "$(basename "$h")"; done
  return 0
}
collect "$name"
for p in "$disk/$name"*; do [ -e "$p/partition" ] && collect "$(basename "$p")"; done
devnums=()
for n in "${names[@]}"; do [ -r "$sys/class/block/$n/dev" ] && devnums+=("$(cat "$sys/class/block/$n/dev")"); done

# ours <maj:min> <source path>: true when a mount or swap entry is on one of them.
ours() {
  local num=$1 src=$2 n d srcname=
  case "$src" in /*) srcname=$(basename "$(readlink -f "$src" 2>/dev/null || echo "$src")") ;; esac
  for d in "${devnums[@]}"; do [ "$num" = "$d" ] && return 0; done
  for n in "${names[@]}"; do [ "$srcname" = "$n" ] && return 0; done
  return 1
}

# --- not the system disk, nothing mounted, no swap ---------------------------------
# mountinfo: id parent maj:min root mountpoint options ... - fstype source ...
mounted=()
while read -r _ _ num _ mnt rest; do
  src=${rest#* - }; src=${src#* }; src=${src%% *}
  ours "$num" "$src" || continue
  case "$mnt" in
    /|/boot|/boot/efi|/efi|/usr|/var|/home) refuse "$dev holds the system's $mnt filesystem (from $src): it is the system disk" ;;
  esac
  mounted+=("$src on $mnt")
done < <(cat "$proc/self/mountinfo" 2>/dev/null)
if [ ${#mounted[@]} -gt 0 ]; then
  say "mounted from $dev:"; printf '  %s\n' "${mounted[@]}" >&2
  refuse "$dev has mounted filesystems; unmount them first (sudo umount <partition>)"
fi
while read -r file type _; do
  [ "$file" = Filename ] && continue
  [ "$type" = partition ] || continue
  ours "" "$file" && refuse "$dev holds active swap ($file); swapoff it first"
done < <(cat "$proc/swaps" 2>/dev/null)

# Holders left: something (LUKS, LVM, RAID) has the disk open, mounted or not.
holders=()
for n in "${names[@]}"; do
  [ -e "$sys/class/block/$n/partition" ] || [ "$n" = "$name" ] || holders+=("$n")
done
[ ${#holders[@]} -eq 0 ] || refuse "$dev is in use by ${holders[*]} (device mapper, LVM or RAID); close those first (cryptsetup close, vgchange -an, mdadm --stop)"

# --- a removable stick with a medium, writable, big enough ----------------------------
removable=$(cat "$disk/removable" 2>/dev/null || echo 0)
on_usb=0
case "$(readlink -f "$disk")" in */usb[0-9]*) on_usb=1 ;; esac
if [ "$removable" != 1 ] && [ "$on_usb" != 1 ]; then
  refuse "$dev is neither removable (sysfs removable=$removable) nor attached by USB: it looks like a fixed disk"
fi
[ "$(cat "$disk/ro" 2>/dev/null || echo 0)" = 1 ] && refuse "$dev is read-only (write-protect switch?)"
sectors=$(cat "$disk/size" 2>/dev/null || echo 0)
dev_size=$((sectors * 512))
[ "$dev_size" -gt 0 ] || refuse "$dev has no medium (size 0)"
[ "$iso_size" -le "$dev_size" ] || refuse "$dev ($dev_size bytes) is smaller than the ISO ($iso_size bytes)"
[ -w "$real" ] || refuse "no write permission on $dev (run as root: sudo make usb DEV=$dev)"

# --- show what will be overwritten, ask ------------------------------------------------
human() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "$1 bytes"; }
model="$(cat "$disk/device/vendor" 2>/dev/null | xargs || true) $(cat "$disk/device/model" 2>/dev/null | xargs || true)"
echo "Device:  $dev ($name)"
echo "Model:   ${model# }"
echo "Size:    $(human "$dev_size") ($dev_size bytes), $( [ "$on_usb" = 1 ] && echo USB || echo removable)"
echo "Current partitions (ALL DATA ON THEM WILL BE LOST):"
found=0
for p in "$disk/$name"*; do
  [ -e "$p/partition" ] || continue
  found=1
  pn=$(basename "$p"); ps=$(( $(cat "$p/size" 2>/dev/null || echo 0) * 512 ))
  info=
  [ -b "/dev/$pn" ] && [ "$test_mode" = 0 ] && info=$(lsblk -no FSTYPE,LABEL "/dev/$pn" 2>/dev/null | xargs || true)
  echo "  $pn  $(human "$ps")  $info"
done
[ "$found" = 1 ] || echo "  (none)"
echo "Image:   $iso ($(human "$iso_size"))"
if [ "$yes" != 1 ]; then
  printf 'Type the device name (%s) to overwrite it, anything else to stop: ' "$name"
  answer=
  read -r answer || true
  if [ "$answer" != "$name" ] && [ "$answer" != "$dev" ]; then
    say "not confirmed; nothing written"
    exit 1
  fi
fi

# --- write, sync, verify -------------------------------------------------------------------
say "writing $iso to $dev"
dd if="$iso" of="$real" bs=4M conv=fsync,notrunc status=progress
sync
[ -b "$real" ] && blockdev --flushbufs "$real" 2>/dev/null || true
say "verifying: reading back $iso_size bytes"
want=$(sha256sum < "$iso" | cut -d' ' -f1)
got=$(head -c "$iso_size" "$real" | sha256sum | cut -d' ' -f1)
if [ "$want" != "$got" ]; then
  say "VERIFY FAILED: $dev reads back $got, the ISO is $want"
  exit 1
fi
say "done: $dev holds $iso (sha256 $want); it is safe to unplug"
