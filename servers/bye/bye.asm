; bye.asm - the second user program (a GRUB module after hello): runs in a
; fresh address space after hello was stopped by its fault, writes a line
; with debug_putc (one system call per byte), then ends with the exit
; system call; the kernel reports "process bye: exited with status 3".
%include "user.inc"               ; 64-bit .text, _start, system-call numbers, WRITE

_start:
    lea rbx, [msg]                      ; rbx survives system calls
.next:
    movzx edi, byte [rbx]
    test edi, edi
    jz .done
    mov eax, SYS_DEBUG_PUTC
    syscall
    inc rbx
    jmp .next
.done:
    mov edi, 3
    mov eax, SYS_EXIT
    syscall
    ud2                                 ; exit does not return

section .rodata
msg: db "bye: registers survive system calls, exiting with status 3", 10, 0
