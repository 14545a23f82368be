; confdata.asm - confinement test (issue 8, item 3): a user data page is not
; executable (NX): jumping into its data faults ("user fetch, protection
; violation").
%include "user.inc"
_start:
    WRITE msg, msg_len
    lea rax, [gadget]
    call rax
    WRITE bad, bad_len
    mov edi, 1
    mov eax, SYS_EXIT
    syscall
section .rodata
msg: db "confine: executing its own data page: expecting a page fault", 10
msg_len equ $ - msg
bad: db "confine: FAILED: a data page was executable", 10
bad_len equ $ - bad
section .data
gadget: db 0xC3                         ; ret
