; spinb.asm - one of the two CPU-bound programs of the preemption test
; (tests/qemu/preempt.test.ts); the body is servers/lib/spin.inc.
%define SPIN_NAME "spinb"
SPIN_SEED equ 2
%include "spin.inc"
