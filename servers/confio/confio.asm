; confio.asm - confinement test (issue 8, item 3; tests/qemu/confine.test.ts):
; an I/O instruction in ring 3. IOPL is 0 and the TSS has no I/O permission
; bitmap, so `in` must raise #GP: "process confio: exception 13 ...".
%include "user.inc"
_start:
    WRITE msg, msg_len
    in al, 0x80
    WRITE bad, bad_len                  ; only if the in did not fault
    mov edi, 1
    mov eax, SYS_EXIT
    syscall
section .rodata
msg: db "confine: in al, 0x80 from ring 3 (no I/O permission): expecting #GP", 10
msg_len equ $ - msg
bad: db "confine: FAILED: ring 3 read an I/O port", 10
bad_len equ $ - bad
