#!/usr/bin/env bash
# run.sh [--debug] [--uefi] [--usb] [--icount] <iso>
# Boots the ISO in QEMU with the serial console on this terminal: `make run`,
# and `make debug` (--debug). Ctrl-A x quits QEMU, Ctrl-A c toggles the QEMU
# monitor. The QEMU options themselves come from qemu/qemu-args.sh.
#   --debug  start halted with the GDB stub on :1234 (-s -S) and print how to
#            attach GDB.
# Exit status: 0 when the guest reports success (isa-debug-exit 0x10, QEMU
# status 33) or QEMU is quit; otherwise QEMU's own status (35 = the guest
# reported a failure, e.g. an exception report or a wasm trap).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
debug=0 pass=()
for arg in "$@"; do
  case "$arg" in
    --debug) debug=1 ;;
    *) pass+=("$arg") ;;
  esac
done

args=$(bash "$here/qemu-args.sh" "${pass[@]}") || exit $?
mapfile -t qemu_args <<< "$args"
qemu_args+=(-serial mon:stdio)

if [ "$debug" = 1 ]; then
  qemu_args+=(-s -S)
  cat <<'MSG'
QEMU is halted at the first instruction, with its GDB stub on localhost:1234.
In another terminal:
    gdb build/kernel.elf -ex 'target remote :1234' -ex 'break wasm_export_kmain' -ex continue
(hbreak instead of break for code that runs before paging is on, e.g. _start.)
Quit QEMU with Ctrl-A x.
MSG
fi

"${QEMU:-qemu-system-x86_64}" "${qemu_args[@]}"
status=$?
case $status in
  33) exit 0 ;;                                    # guest: success
  0) exit 0 ;;                                     # quit (or guest reset; -no-reboot)
  35) echo "run.sh: the guest reported a failure (QEMU exit status 35)" >&2; exit 35 ;;
  *) exit $status ;;
esac
