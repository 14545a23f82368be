; start64.asm - the 64-bit half of the boot path, from the far jump in
; start32.asm to kmain. start64_low runs at its physical address (through the
; temporary identity map) and jumps to start64_high in the higher half, which
; reloads the GDT, drops the identity map, installs the TSS and IDT, and calls
; the generated kernel (toolchain/ABI.md):
;     __wasm_init()                  data segments, globals, start function
;     wasm_export_kmain(mbInfoPhys, entryTsc, layoutPhys)
;                                    kmain(mbInfoPhys: u32, entryTsc: u64,
;                                          layoutPhys: u32): void
; (layoutPhys: the physical address of kernel_layout, layout.asm).
; If kmain returns, the CPU halts.

%include "boot.inc"

global start64_low
extern gdt_install, idt_install, boot_pml4, kernel_stack_top
extern multiboot_info_phys, boot_entry_tsc, serial_puts, serial_hex64, halt_forever
extern __wasm_init, wasm_export_kmain, kernel_layout

bits 64
default rel
section .text

start64_low:
    mov rax, start64_high               ; absolute: the higher-half address
    jmp rax

start64_high:
    mov rsp, kernel_stack_top           ; 16-byte aligned
    xor ebp, ebp                        ; ends every backtrace
    call gdt_install

    ; Drop the identity map: from now on a null or low pointer faults.
    mov qword [boot_pml4], 0
    mov rax, cr3
    mov cr3, rax

    call idt_install
    fninit
    ldmxcsr [mxcsr_default]

    lea rdi, [msg_entering]
    call serial_puts
    mov edi, [multiboot_info_phys]
    call serial_hex64
    lea rdi, [msg_entering_end]
    call serial_puts

    call __wasm_init
    mov edi, [multiboot_info_phys]
    mov rsi, [boot_entry_tsc]
    mov edx, PHYS(kernel_layout)
    call wasm_export_kmain

    lea rdi, [msg_returned]
    call serial_puts
    jmp halt_forever

section .rodata
align 4
mxcsr_default:    dd 0x1F80             ; all SIMD exceptions masked, round to nearest
msg_entering:     db "boot: long mode, higher half; calling kmain(", 0
msg_entering_end: db ")", 10, 0
msg_returned:     db "boot: kmain returned; halting", 10, 0
