; confkread.asm - confinement test (issue 8, item 3): ring 3 reads kernel
; memory (the direct map): a page fault, protection violation, user read
; ("process confkread: page fault at 0xffff800000100000 (user read,
; protection violation) ...").
%include "user.inc"
_start:
    WRITE msg, msg_len
    mov rax, 0xffff800000100000
    mov rax, [rax]
    WRITE bad, bad_len
    mov edi, 1
    mov eax, SYS_EXIT
    syscall
section .rodata
msg: db "confine: reading kernel memory 0xffff800000100000 from ring 3: expecting a page fault", 10
msg_len equ $ - msg
bad: db "confine: FAILED: ring 3 read kernel memory", 10
bad_len equ $ - bad
