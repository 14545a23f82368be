; ipcclient.asm - the client of the IPC pair (kernel/usermode.ts,
; runIpcPair): CALLS times, call on the endpoint in CNode slot 1 with
; label i and words i+100, i+200, i+300, i+400 (rsi, rdx, r10, r8, r9),
; checks that the reply is each of them plus one, times the loop with
; rdtsc and prints
;   "ipc: call+reply round trip: <ticks per call> ticks (<total> for <n>
;   calls, all replies correct)"
; (under QEMU -icount shift=0 a tick is one guest instruction; each round
; trip also counts the loop's own instructions: setting up and checking
; the message, about 25), then exits with status 0 (1 on a wrong reply).
EP_SLOT         equ 1                   ; the endpoint capability (kernel/README.md, "IPC")

CALLS           equ 1000

bits 64
default rel
section .text
%include "user.inc"               ; system-call numbers, WRITE
global _start

%macro CHECK 2                          ; register, offset
    lea rax, [r15 + %2 + 1]
    cmp %1, rax
    jne .bad
%endmacro

_start:
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r14, rax
    xor r15d, r15d
.loop:
    mov rsi, r15
    lea rdx, [r15 + 100]
    lea r10, [r15 + 200]
    lea r8, [r15 + 300]
    lea r9, [r15 + 400]
    mov edi, EP_SLOT
    mov eax, SYS_CALL
    syscall
    test rax, rax
    jnz .bad
    CHECK rsi, 0
    CHECK rdx, 100
    CHECK r10, 200
    CHECK r8, 300
    CHECK r9, 400
    inc r15
    cmp r15, CALLS
    jb .loop
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, r14
    mov r14, rax                        ; total ticks

    WRITE msg_rt, msg_rt_len
    mov rax, r14
    xor edx, edx
    mov ecx, CALLS
    div rcx
    call print_dec
    WRITE msg_ticks, msg_ticks_len
    mov rax, r14
    call print_dec
    WRITE msg_for, msg_for_len
    mov eax, CALLS
    call print_dec
    WRITE msg_calls, msg_calls_len
    xor edi, edi
    mov eax, SYS_EXIT
    syscall

.bad:
    WRITE msg_bad, msg_bad_len
    mov rax, r15
    call print_dec
    WRITE msg_nl, 1
    mov edi, 1
    mov eax, SYS_EXIT
    syscall

%include "print_dec.inc"

section .rodata
msg_rt:         db "ipc: call+reply round trip: "
msg_rt_len      equ $ - msg_rt
msg_ticks:      db " ticks ("
msg_ticks_len   equ $ - msg_ticks
msg_for:        db " for "
msg_for_len     equ $ - msg_for
msg_calls:      db " calls, all replies correct)", 10
msg_calls_len   equ $ - msg_calls
msg_bad:        db "ipc: FAILED: wrong reply to call "
msg_bad_len     equ $ - msg_bad
msg_nl:         db 10
