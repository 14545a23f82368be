; start32.asm - where GRUB enters the kernel: 32-bit protected mode, paging
; off, interrupts off, eax = multiboot2 magic, ebx = physical address of the
; multiboot2 information. This file checks the magic, brings up COM1, checks
; the CPU, builds the page tables and switches to long mode; the far jump at
; the end lands in start64.asm, still at a physical (identity-mapped) address.

%include "boot.inc"

global _start, multiboot_info_phys, boot_entry_tsc
extern serial32_init, serial32_puts, serial32_hex32, boot32_fail_tail
extern cpu_check32, paging32_build, pte_nx_mask
extern boot_pml4, kernel_stack_top, gdt_ptr32, start64_low

CR0_MP   equ 1 << 1       ; monitor coprocessor (SSE: with TS, #NM on use)
CR0_EM   equ 1 << 2       ; x87 emulation: must be clear for SSE
CR0_TS   equ 1 << 3       ; task switched: clear, or the first SSE use traps
CR0_NE   equ 1 << 5       ; native x87 error reporting
CR0_WP   equ 1 << 16      ; read-only pages are read-only for the kernel too
CR0_PG   equ 1 << 31
CR4_PAE        equ 1 << 5
CR4_OSFXSR     equ 1 << 9     ; fxsave/fxrstor and SSE instructions
CR4_OSXMMEXCPT equ 1 << 10    ; SIMD floating-point exceptions as #XM
MSR_EFER  equ 0xC0000080
EFER_LME  equ 1 << 8
EFER_NXE  equ 1 << 11

bits 32
section .text

_start:
    cli
    cld
    ; The time stamp at kernel entry, for the boot-time figure kmain prints
    ; (under QEMU -icount shift=0 it counts guest instructions).
    mov esi, eax
    rdtsc
    mov [PHYS(boot_entry_tsc)], eax
    mov [PHYS(boot_entry_tsc) + 4], edx
    mov eax, esi
    mov esp, PHYS(kernel_stack_top)
    mov [PHYS(multiboot_info_phys)], ebx

    call serial32_init
    cmp eax, MB2_BOOT_MAGIC
    je .magic_ok
    mov esi, PHYS(msg_bad_magic)
    call serial32_puts
    call serial32_hex32
    mov esi, PHYS(msg_bad_magic_end)
    jmp boot32_fail_tail
.magic_ok:

    call cpu_check32
    call paging32_build

    ; Our GDT (at its physical address for now; start64 reloads it).
    lgdt [PHYS(gdt_ptr32)]
    mov ax, SEL_KERNEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax

    mov eax, cr4
    or eax, CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT
    mov cr4, eax

    mov eax, PHYS(boot_pml4)
    mov cr3, eax

    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    cmp dword [PHYS(pte_nx_mask) + 4], 0
    je .no_nx
    or eax, EFER_NXE
.no_nx:
    wrmsr

    ; Paging on: with EFER.LME this enters long mode (compatibility mode).
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_PG | CR0_WP | CR0_MP | CR0_NE
    mov cr0, eax

    ; Load the 64-bit code segment: from here on it is 64-bit code.
    jmp SEL_KERNEL_CODE:PHYS(start64_low)

section .bss
align 8
multiboot_info_phys: resq 1     ; ebx from GRUB, handed to kmain
boot_entry_tsc:      resq 1     ; rdtsc at _start, handed to kmain

section .rodata
msg_bad_magic:     db "boot: not started by a multiboot2 boot loader (eax=", 0
msg_bad_magic_end: db ", expected 0x36d76289). Halting.", 0
