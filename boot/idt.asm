; idt.asm - the interrupt descriptor table with an entry stub for each of the
; 256 vectors. Every exception stub (0..31) leaves the same frame for
; exception.asm: it pushes a dummy error code where the CPU pushes none, then
; the vector number. Double fault, NMI and machine check run on IST1
; (gdt.asm), so they still work when the kernel stack is gone. The interrupt
; stubs (32..255: IOAPIC/PIC lines, the local APIC timer, spurious) push the
; vector and go to interrupt_entry (entry.asm), which calls the kernel's
; interrupt_dispatch(vector). Every gate is an interrupt gate of DPL 0 (IF
; cleared on entry; `int n` from ring 3 is a #GP). start64.asm calls
; idt_install.

%include "boot.inc"

global idt_install, boot_idt
extern exception_entry, interrupt_entry

IDT_ENTRIES  equ 256
GATE_INTR    equ 0x8E           ; present, DPL 0, 64-bit interrupt gate

bits 64
default rel
section .text

; Exceptions for which the CPU pushes an error code.
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%assign v 0
%rep 32
exception_stub_ %+ v:
%if HAS_ERROR_CODE(v) == 0
    push 0                      ; dummy error code
%endif
    push v
    jmp exception_entry
%assign v v + 1
%endrep

%rep IDT_ENTRIES - 32
interrupt_stub_ %+ v:
    push v
    jmp interrupt_entry
%assign v v + 1
%endrep

; Fill in all 256 gates and load the IDT. Clobbers rax, rcx, rdx, rsi, rdi.
idt_install:
    lea rsi, [stub_table]
    lea rdi, [boot_idt]
    xor ecx, ecx
.gate:
    mov rax, [rsi + rcx * 8]            ; handler address
    mov rdx, rax
    and edx, 0xFFFF                     ; offset[15:0]
    or edx, SEL_KERNEL_CODE << 16
    mov [rdi], edx
    mov rdx, rax
    shr rdx, 16                         ; offset[31:16] in bits 16..31 of dword 1
    shl edx, 16
    mov dh, GATE_INTR
    cmp ecx, 2                          ; NMI
    je .ist
    cmp ecx, 8                          ; double fault
    je .ist
    cmp ecx, 18                         ; machine check
    jne .no_ist
.ist:
    mov dl, 1                           ; IST1
.no_ist:
    mov [rdi + 4], edx
    shr rax, 32
    mov [rdi + 8], rax                  ; offset[63:32], reserved dword 0
    add rdi, 16
    inc ecx
    cmp ecx, IDT_ENTRIES
    jb .gate
    lidt [idt_ptr]
    ret

section .rodata
align 8
stub_table:
%assign v 0
%rep 32
    dq exception_stub_ %+ v
%assign v v + 1
%endrep
%rep IDT_ENTRIES - 32
    dq interrupt_stub_ %+ v
%assign v v + 1
%endrep

section .data
align 8
    dw 0, 0, 0                          ; so that the base is 8-aligned
idt_ptr:
    dw IDT_ENTRIES * 16 - 1
    dq boot_idt

section .bss
align 4096
boot_idt: resb IDT_ENTRIES * 16
