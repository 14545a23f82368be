; wasm_env.asm - the kernel-side environment of generated code, as listed in
; toolchain/ABI.md under "Symbols the environment provides":
;   __wasm_memory_base   the kernel's linear memory: a page-aligned
;                        reservation of WASM_MEMORY_RESERVED_PAGES Wasm pages,
;                        last in the image (boot/linker.ld). Only the pages
;                        the module has are mapped (paging32.asm), so an
;                        access past the end of memory faults.
;   __wasm_memory_grow   edi = delta pages -> eax = old page count or -1;
;                        maps the new pages and updates __wasm_memory_pages.
;   __wasm_trap          edi = trap code; prints the message from
;                        __wasm_trap_names and a backtrace, then stops.

%include "boot.inc"

global __wasm_memory_base, __wasm_memory_grow, __wasm_trap
extern __wasm_memory_pages, __wasm_memory_max_pages
extern __wasm_trap_names, __wasm_trap_count
extern kernel_pt_pool, pte_nx_mask, panic_stack_top
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
    ; Map the 4 KiB pages of Wasm pages [old, new): the kernel page table
    ; entry for physical address p is kernel_pt_pool[p >> 12].
    lea r8, [__wasm_memory_base]
    mov r9, KERNEL_OFFSET
    sub r8, r9                          ; physical address of byte 0
    mov rsi, rcx
    shl rsi, 16
    add rsi, r8                         ; first physical byte to map
    mov rdi, rdx
    shl rdi, 16
    add rdi, r8                         ; end
    lea r9, [kernel_pt_pool]
    mov r10, [pte_nx_mask]
    or r10, PTE_PRESENT | PTE_WRITABLE
.map:
    cmp rsi, rdi
    jae .mapped
    mov rax, rsi
    or rax, r10
    mov r11, rsi
    shr r11, 12
    mov [r9 + r11 * 8], rax
    add rsi, 4096
    jmp .map
.mapped:
    mov [__wasm_memory_pages], rdx
    mov eax, ecx
    ret
.fail:
    mov eax, -1
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
