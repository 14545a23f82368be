; cpu_check32.asm - make sure this CPU can run the kernel, before trying.
; Called by start32.asm in 32-bit protected mode. Without CPUID or long mode
; it prints a clear message on COM1 and halts (boot32_fail). It also records
; whether the CPU has the NX bit: paging32.asm marks data non-executable with
; it, start32.asm sets EFER.NXE, and __wasm_memory_grow uses it for new pages.

%include "boot.inc"

global cpu_check32, pte_nx_mask
extern boot32_fail

bits 32
section .text

cpu_check32:
    ; CPUID exists if EFLAGS.ID (bit 21) can be toggled.
    pushfd
    pop eax
    mov ecx, eax
    xor eax, 1 << 21
    push eax
    popfd
    pushfd
    pop eax
    push ecx
    popfd
    cmp eax, ecx
    mov esi, PHYS(msg_no_cpuid)
    je boot32_fail

    ; Long mode is CPUID 0x80000001 EDX bit 29 (leaf must exist first).
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    mov esi, PHYS(msg_no_long_mode)
    jb boot32_fail
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz boot32_fail

    ; NX (execute disable) is CPUID 0x80000001 EDX bit 20.
    test edx, 1 << 20
    jz .no_nx
    mov dword [PHYS(pte_nx_mask) + 4], PTE_NX_HIGH
.no_nx:
    ret

section .data
align 8
; 1 << 63 if the CPU supports NX, else 0: OR it into a page-table entry.
pte_nx_mask: dq 0

section .rodata
msg_no_cpuid:     db "this CPU has no CPUID instruction; tsos needs an x86-64 CPU. Halting.", 0
msg_no_long_mode: db "this CPU does not support 64-bit long mode; tsos needs an x86-64 CPU. Halting.", 0
