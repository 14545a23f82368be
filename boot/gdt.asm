; gdt.asm - the global descriptor table and the task-state segment.
; start32.asm loads the GDT through gdt_ptr32 (physical base) to reach 64-bit
; mode; start64.asm calls gdt_install to reload it at its higher-half address,
; fill in the TSS descriptor and load the task register.
;
; Selector order suits syscall/sysret: STAR[47:32] = 0x08 gives kernel
; CS 0x08 / SS 0x10; STAR[63:48] = 0x10 gives user SS 0x18 / CS 0x20 (RPL 3).
; The TSS holds RSP0 (stack on entry from user mode; the kernel will update it
; per thread) and IST1 (double fault, NMI, machine check).

%include "boot.inc"

global gdt_install, gdt_ptr32, boot_tss
extern kernel_stack_top, ist_stack_top

TSS_SIZE equ 104

bits 64
default rel
section .text

; Reload the GDT at its virtual address, reload every segment register,
; load the TSS. Clobbers rax, rcx, rdx, r8.
gdt_install:
    ; 16-byte available 64-bit TSS descriptor (type 0x9, present).
    lea rax, [boot_tss]
    mov rcx, rax
    mov rdx, TSS_SIZE - 1                   ; limit[15:0]
    mov r8, rax
    and r8, 0xFFFFFF
    shl r8, 16                              ; base[23:0]  -> bits 16..39
    or rdx, r8
    mov r8, 0x89
    shl r8, 40                              ; P=1, DPL=0, type=9
    or rdx, r8
    mov r8, rax
    shr r8, 24
    and r8, 0xFF
    shl r8, 56                              ; base[31:24] -> bits 56..63
    or rdx, r8
    mov [boot_gdt + SEL_TSS], rdx
    shr rcx, 32
    mov [boot_gdt + SEL_TSS + 8], rcx            ; base[63:32]

    lea rax, [kernel_stack_top]
    mov [boot_tss + 4], rax                      ; RSP0
    lea rax, [ist_stack_top]
    mov [boot_tss + 0x24], rax                   ; IST1

    lgdt [gdt_ptr64]
    ; Reload CS with a far return, then the data segments.
    push SEL_KERNEL_CODE
    lea rax, [.reloaded]
    push rax
    retfq
.reloaded:
    mov ax, SEL_KERNEL_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov ax, SEL_TSS
    ltr ax
    ret

section .data
align 16
boot_gdt:
    dq 0                                    ; 0x00 null
    dq 0x00AF9A000000FFFF                   ; 0x08 kernel code, 64-bit, DPL 0
    dq 0x00CF92000000FFFF                   ; 0x10 kernel data, DPL 0
    dq 0x00CFF2000000FFFF                   ; 0x18 user data, DPL 3
    dq 0x00AFFA000000FFFF                   ; 0x20 user code, 64-bit, DPL 3
    dq 0, 0                                 ; 0x28 TSS, filled by gdt_install
gdt_end:

align 8
gdt_ptr32:                                  ; for lgdt in 32-bit mode
    dw gdt_end - boot_gdt - 1
    dd PHYS(boot_gdt)
align 8
    dw 0, 0, 0                              ; so that the base is 8-aligned
gdt_ptr64:
    dw gdt_end - boot_gdt - 1
    dq boot_gdt

align 16
boot_tss:
    times TSS_SIZE - 2 db 0
    dw TSS_SIZE                             ; I/O map base beyond the limit: no bitmap
