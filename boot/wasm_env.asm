; wasm_env.asm - the kernel-side environment of generated code, as listed in
; toolchain/ABI.md under "Symbols the environment provides":
;   __wasm_memory_base   the kernel's linear memory: a page-aligned
;                        reservation of WASM_MEMORY_RESERVED_PAGES Wasm pages,
;                        last in the image (boot/linker.ld). Only the pages
;                        the module has are mapped (paging32.asm), so an
;                        access past the end of memory faults.
;   __wasm_memory_grow   edi = delta pages -> eax = old page count or -1;
;                        maps the new pages in the live page tables (found
;                        by walking CR3) and updates __wasm_memory_pages.
;   __wasm_trap          edi = trap code; prints the message from
;                        __wasm_trap_names and a backtrace, then stops.

%include "boot.inc"

global __wasm_memory_base, __wasm_memory_grow, __wasm_trap
extern __wasm_memory_pages, __wasm_memory_max_pages
extern __wasm_trap_names, __wasm_trap_count
extern pte_nx_mask, panic_stack_top
extern serial_puts, serial_hex64, serial_dec64, print_backtrace, machine_fail

bits 64
default rel
section .text

__wasm_memory_grow:
    mov eax, edi                        ; delta, unsigned 32-bit
    mov rcx, [__wasm_memory_pages]      ; old size
    lea rdx, [rcx + rax]                ; new size
    cmp rdx, WASM_MEMORY_RESERVED_PAGES
    ja .fail
    cmp rdx, [__wasm_memory_max_pages]
    ja .fail
    ; The 4 KiB pages of Wasm pages [old, new), as virtual addresses
    ; [rsi, rdi). Their page tables are found by walking the live page
    ; tables (CR3), so this works on boot's tables and on the kernel's own
    ; (kernel/kvspace.ts), which must have a page table for every page of
    ; the reservation.
    lea rsi, [__wasm_memory_base]
    mov rdi, rsi
    mov rax, rcx
    shl rax, 16
    add rsi, rax
    mov rax, rdx
    shl rax, 16
    add rdi, rax
    ; First make sure every page has its page table, so that a failure
    ; maps nothing.
    mov r11, rsi
.check:
    cmp r11, rdi
    jae .checked
    mov rax, r11
    call pte_address
    test rax, rax
    jz .fail
    add r11, 4096
    jmp .check
.checked:
    mov r11, [pte_nx_mask]
    or r11, PTE_PRESENT | PTE_WRITABLE
.map:
    cmp rsi, rdi
    jae .mapped
    mov rax, rsi
    call pte_address
    mov r8, rsi
    mov r9, KERNEL_OFFSET
    sub r8, r9                          ; physical address of the page
    or r8, r11
    mov [rax], r8
    invlpg [rsi]
    add rsi, 4096
    jmp .map
.mapped:
    mov [__wasm_memory_pages], rdx
    mov eax, ecx
    ret
.fail:
    mov eax, -1
    ret

; One level of the walk in pte_address: r8 = physical address of a table;
; follow the entry for rax at bit position %1 down to the next table.
%macro PTE_WALK 1
    mov r9, rax
    shr r9, %1
    and r9d, 511
    mov r10, DIRECT_MAP_BASE
    add r10, r8
    mov r8, [r10 + r9 * 8]
    test r8b, PTE_PRESENT
    jz .missing
    test r8b, PTE_LARGE
    jnz .missing
    mov r9, PTE_ADDR_MASK
    and r8, r9
    mov r9, DIRECT_MAP_SIZE
    cmp r8, r9
    jae .missing
%endmacro

; rax = virtual address -> rax = the virtual address (through the direct
; map) of its 4 KiB page-table entry in the live page tables, or 0 when a
; table on the way is missing, is a large page, or lies beyond the direct
; map. Clobbers r8, r9, r10; makes no calls.
pte_address:
    mov r8, cr3
    mov r9, PTE_ADDR_MASK
    and r8, r9
    mov r9, DIRECT_MAP_SIZE
    cmp r8, r9
    jae .missing
    PTE_WALK 39                         ; PML4 -> PDPT
    PTE_WALK 30                         ; PDPT -> PD
    PTE_WALK 21                         ; PD -> PT
    mov r9, rax
    shr r9, 12
    and r9d, 511
    mov r10, DIRECT_MAP_BASE
    add r10, r8
    lea rax, [r10 + r9 * 8]
    ret
.missing:
    xor eax, eax
    ret

__wasm_trap:
    cli
    mov r12d, edi                       ; trap code
    mov r13, [rsp]                      ; return address: the trap site
    mov r14, rbp                        ; the trapping function's frame
    lea rsp, [panic_stack_top]          ; never returns: any stack will do
    cld

    lea rdi, [msg_panic]
    call serial_puts
    test r12, r12
    jz .unknown
    cmp r12, [__wasm_trap_count]
    jae .unknown
    lea rax, [__wasm_trap_names]
    mov rdi, [rax + r12 * 8]
    test rdi, rdi
    jz .unknown
    call serial_puts
    jmp .where
.unknown:
    lea rdi, [msg_unknown]
    call serial_puts
    mov rdi, r12
    call serial_dec64
.where:
    lea rdi, [msg_at]
    call serial_puts
    mov rdi, r13
    call serial_hex64
    lea rdi, [msg_newline]
    call serial_puts
    mov rdi, r13
    mov rsi, r14
    call print_backtrace
    lea rdi, [msg_end]
    call serial_puts
    jmp machine_fail

section .rodata
msg_panic:   db "PANIC: wasm trap: ", 0
msg_unknown: db "unknown trap code ", 0
msg_at:      db 10, "trap called from ", 0
msg_newline: db 10, 0
msg_end:     db "end of panic report", 10, 0

section .wasm_memory nobits alloc noexec write align=65536
__wasm_memory_base: resb WASM_MEMORY_RESERVED_PAGES * WASM_PAGE_SIZE
