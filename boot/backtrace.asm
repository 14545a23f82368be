; backtrace.asm - a raw frame-pointer backtrace on COM1, for the exception
; report (exception.asm) and wasm traps (wasm_env.asm).
; Generated code keeps rbp frames (toolchain/ABI.md): [rbp] is the caller's
; rbp, [rbp + 8] the return address. start64.asm clears rbp before calling
; the kernel, so the chain ends with 0. Each frame pointer is checked first
; (aligned, inside the kernel image or the direct map, strictly increasing),
; so a corrupt chain ends the walk instead of faulting. Addresses only: turning
; them into names is for the kernel (it has kernel.sym as a boot module).

%include "boot.inc"

global print_backtrace
extern serial_puts, serial_hex64, _kernel_start, _kernel_end

MAX_FRAMES equ 32

bits 64
default rel
section .text

; rdi = the faulting or trapping instruction address, rsi = rbp there.
; Preserves all registers.
print_backtrace:
    push rax
    push rcx
    push rdi
    push rsi
    mov rax, rdi
    lea rdi, [msg_title]
    call serial_puts
    mov rdi, rax
    call print_entry
    mov ecx, MAX_FRAMES
.frame:
    test rsi, rsi                       ; end of the chain
    jz .done
    test sil, 7
    jnz .bad
    call frame_is_readable
    jnc .bad
    mov rdi, [rsi + 8]                  ; return address
    test rdi, rdi
    jz .done
    call print_entry
    mov rax, [rsi]                      ; caller's rbp
    test rax, rax
    jz .done
    cmp rax, rsi
    jbe .bad_rax
    mov rsi, rax
    dec ecx
    jnz .frame
    lea rdi, [msg_truncated]
    call serial_puts
    jmp .done
.bad_rax:
    mov rsi, rax
.bad:
    lea rdi, [msg_bad_rbp]
    call serial_puts
    mov rdi, rsi
    call serial_hex64
    lea rdi, [msg_bad_rbp_end]
    call serial_puts
.done:
    pop rsi
    pop rdi
    pop rcx
    pop rax
    ret

; "  0x<rdi>\n"
print_entry:
    push rdi
    lea rdi, [msg_indent]
    call serial_puts
    pop rdi
    call serial_hex64
    push rdi
    lea rdi, [msg_newline]
    call serial_puts
    pop rdi
    ret

; CF=1 if the 16 bytes at rsi lie in the kernel image or the direct map.
frame_is_readable:
    push rax
    lea rax, [_kernel_start]
    cmp rsi, rax
    jb .direct
    lea rax, [_kernel_end - 16]
    cmp rsi, rax
    jbe .yes
.direct:
    mov rax, DIRECT_MAP_BASE
    cmp rsi, rax
    jb .no
    mov rax, DIRECT_MAP_BASE + DIRECT_MAP_SIZE - 16
    cmp rsi, rax
    jbe .yes
.no:
    pop rax
    clc
    ret
.yes:
    pop rax
    stc
    ret

section .rodata
msg_title:       db "backtrace:", 10, 0
msg_indent:      db "  ", 0
msg_newline:     db 10, 0
msg_truncated:   db "  (more frames not shown)", 10, 0
msg_bad_rbp:     db "  (frame pointer ", 0
msg_bad_rbp_end: db " is not a kernel stack address: end of backtrace)", 10, 0
