; stacks.asm - the kernel's boot stacks, each above an unmapped guard page.
; paging32.asm leaves the *_guard pages out of the page tables, so running
; off the end of a stack faults instead of silently overwriting memory:
;   kernel stack: start32/start64 and kmain run on it; TSS.RSP0 points at it.
;   IST1 stack:   double fault, NMI and machine check (gdt.asm, idt.asm), so
;                 a kernel stack overflow still gets reported.
;   panic stack:  __wasm_trap (wasm_env.asm) moves to it before printing.

%include "boot.inc"

global kernel_stack_guard, kernel_stack_bottom, kernel_stack_top
global ist_stack_guard, ist_stack_top
global panic_stack_guard, panic_stack_top

section .stack nobits alloc noexec write align=4096
kernel_stack_guard:  resb GUARD_SIZE
kernel_stack_bottom: resb KERNEL_STACK_SIZE
kernel_stack_top:
ist_stack_guard:     resb GUARD_SIZE
                     resb IST_STACK_SIZE
ist_stack_top:
panic_stack_guard:   resb GUARD_SIZE
                     resb PANIC_STACK_SIZE
panic_stack_top:
