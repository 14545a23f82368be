; layout.asm - the kernel layout table: where boot/linker.ld put the parts of
; the image, as physical addresses, for the kernel (kmain's third argument,
; layoutPhys; kernel/layout.ts reads it with phys_read64). The kernel uses it
; to keep the frame allocator out of the image and to build its own page
; tables for the image. Change it only together with kernel/layout.ts; add
; fields at the end and raise the version.
;
;   index  u64
;     0    version (1)
;     1    _kernel_start         first byte of the image
;     2    _kernel_end           end of the image (exclusive, page-aligned)
;     3    _text_start           text: read + execute
;     4    _text_end
;     5    _rodata_start         rodata: read only
;     6    _rodata_end
;     7    _data_start           data, bss, stacks, page tables, Wasm memory:
;                                read + write, up to _kernel_end
;     8    kernel_stack_guard    one unmapped page each (stacks.asm)
;     9    ist_stack_guard
;    10    panic_stack_guard
;    11    __wasm_memory_base    byte 0 of the kernel's Wasm linear memory
;    12    kernel_pt_pool        boot's page tables of the image (paging32.asm)
;    13    size of the Wasm memory reservation in bytes
;                                (WASM_MEMORY_RESERVED_PAGES * 64 KiB)
;
; Every address is physical (symbol - KERNEL_OFFSET) and page-aligned.

%include "boot.inc"

global kernel_layout
extern _kernel_start, _kernel_end, _text_start, _text_end
extern _rodata_start, _rodata_end, _data_start
extern kernel_stack_guard, ist_stack_guard, panic_stack_guard
extern __wasm_memory_base, kernel_pt_pool

KERNEL_LAYOUT_VERSION equ 1

section .rodata
align 8
kernel_layout:
    dq KERNEL_LAYOUT_VERSION
    dq PHYS(_kernel_start)
    dq PHYS(_kernel_end)
    dq PHYS(_text_start)
    dq PHYS(_text_end)
    dq PHYS(_rodata_start)
    dq PHYS(_rodata_end)
    dq PHYS(_data_start)
    dq PHYS(kernel_stack_guard)
    dq PHYS(ist_stack_guard)
    dq PHYS(panic_stack_guard)
    dq PHYS(__wasm_memory_base)
    dq PHYS(kernel_pt_pool)
    dq WASM_MEMORY_RESERVED_PAGES * WASM_PAGE_SIZE
