; halt.asm - the two ways the boot code stops the machine.
;   machine_fail:  tell QEMU the run failed (isa-debug-exit: value 0x11 ->
;                  QEMU exit status 35), then halt; on a machine without that
;                  device the write does nothing and the CPU just halts.
;   halt_forever:  interrupts off, hlt in a loop (an NMI only wakes it up
;                  to halt again).

%include "boot.inc"

global machine_fail, halt_forever

bits 64
section .text

machine_fail:
    mov al, DEBUG_EXIT_FAIL
    out DEBUG_EXIT_PORT, al
halt_forever:
    cli
    hlt
    jmp halt_forever
