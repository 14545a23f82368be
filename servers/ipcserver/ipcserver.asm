; ipcserver.asm - the server of the IPC pair (kernel/usermode.ts,
; runIpcPair): loops on reply_recv on the endpoint in CNode slot 1; the
; reply to a message (label, w0..w3 in rsi, rdx, r10, r8, r9) is each of
; them plus one. Never exits: it stays blocked in reply_recv when the
; client is done.
EP_SLOT         equ 1                   ; the endpoint capability (kernel/README.md, "IPC")

bits 64
default rel
section .text
%include "user.inc"               ; system-call numbers, WRITE
global _start

_start:
    mov edi, EP_SLOT                    ; nobody to reply to yet: just receive
.loop:
    mov eax, SYS_REPLY_RECV
    syscall
    test rax, rax
    jnz .failed
    inc rsi
    inc rdx
    inc r10
    inc r8
    inc r9
    jmp .loop
.failed:
    lea rdi, [msg_failed]
    mov esi, msg_failed_len
    mov eax, SYS_DEBUG_WRITE
    syscall
    mov edi, 1
    mov eax, SYS_EXIT
    syscall

section .rodata
msg_failed:     db "ipcserver: FAILED: reply_recv returned an error", 10
msg_failed_len  equ $ - msg_failed
