; confcode.asm - confinement test (issue 8, item 3): a user code page is not
; writable: writing its own code faults ("user write, protection violation").
%include "user.inc"
_start:
    WRITE msg, msg_len
    mov byte [_start], 0x90
    WRITE bad, bad_len
    mov edi, 1
    mov eax, SYS_EXIT
    syscall
section .rodata
msg: db "confine: writing its own code page: expecting a page fault", 10
msg_len equ $ - msg
bad: db "confine: FAILED: a code page was writable", 10
bad_len equ $ - bad
