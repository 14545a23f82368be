; ipcserver.asm - the server of the IPC pair (kernel/process.ts,
; processStartAll): loops on reply_recv on the endpoint in CNode slot 1; the
; reply to a message (info = label << 16 | 4 words in rsi, w0..w3 in rdx,
; r10, r8, r9; kernel/README.md "IPC") is the label and each word plus
; one, with the same length and capability count: words 4.. come back
; from its IPC buffer (USER_IPC_BUFFER), word 4 plus one; a capability
; received (into slot 9, once: then the slot is taken) is answered with a
; copy of its endpoint capability. Never exits: it stays blocked in
; reply_recv when the client is done.
EP_SLOT         equ 1                   ; the endpoint capability (kernel/README.md, "IPC")

%include "user.inc"               ; 64-bit .text, _start, system-call numbers, WRITE

_start:                                 ; nobody to reply to yet: just receive
    mov rax, USER_IPC_BUFFER            ; a capability received lands in slot 9; a
    mov qword [rax + IPCBUF_RECV_SLOT], 9 ; reply with one (the caps field echoed)
    mov qword [rax + IPCBUF_SEND_SLOT], EP_SLOT ; sends the endpoint's
.loop:
    mov edi, EP_SLOT                    ; (a receive returns the badge in rdi)
    mov eax, SYS_REPLY_RECV
    syscall
    test rax, rax
    jnz .failed
    add rsi, 1 << 16                    ; label + 1, same length
    mov rax, USER_IPC_BUFFER
    inc qword [rax + 4 * 8]             ; word 4 + 1 (words 4.. of a long message)
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
