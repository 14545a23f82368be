; ipcclient.asm - the client of the IPC pair (kernel/process.ts,
; processStartAll): CALLS times, call on the endpoint in CNode slot 1 with
; label i and words i+100, i+200, i+300, i+400 (info = i << 16 | 4 in rsi;
; rdx, r10, r8, r9; kernel/README.md "IPC"), checks that the reply is
; label i+1 with 4 words, each word plus one, times the loop with
; rdtsc and prints
;   "ipc: call+reply round trip: <ticks per call> ticks (<total> for <n>
;   calls, all replies correct)"
; (under QEMU -icount shift=0 a tick is one guest instruction; each round
; trip also counts the loop's own instructions: setting up and checking
; the message, about 25), then checks that the IPC system calls fail with
; their defined errors and that a 10-word message and capabilities
; travel through the IPC buffers ("ipc: error checks passed"), then exits with
; status 0 (1 on a wrong reply or a failed check).
EP_SLOT         equ 1                   ; the endpoint capability (kernel/README.md, "IPC")

CALLS           equ 1000

%include "user.inc"               ; 64-bit .text, _start, system-call numbers, WRITE

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
    shl rsi, 16
    or rsi, 4                           ; info: label i, 4 words
    lea rdx, [r15 + 100]
    lea r10, [r15 + 200]
    lea r8, [r15 + 300]
    lea r9, [r15 + 400]
    mov edi, EP_SLOT
    mov eax, SYS_CALL
    syscall
    test rax, rax
    jnz .bad
    lea rax, [r15 + 1]
    shl rax, 16
    or rax, 4
    cmp rsi, rax                        ; info: label i+1, 4 words
    jne .bad
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
    call error_checks
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

; The IPC layer's checks, on the real system-call path (kernel/README.md
; "IPC"): each system call must fail with its defined error, or work.
; r12 = the number of the check; prints "ipc: error checks passed" or
; "ipc: FAILED: error check <n>" (and exits with status 1).
%macro SYS 1
    mov eax, %1
    syscall
%endmacro
%macro EXPECT 2                         ; check number, expected rax
    mov r12d, %1
    cmp rax, %2
    jne .failed
%endmacro
error_checks:
    xor esi, esi
    SYS SYS_REPLY                       ; nothing held
    EXPECT 1, -KERR_NO_CALLER
    mov edi, EP_SLOT
    SYS SYS_NB_RECV                     ; the server waits too: no sender
    EXPECT 2, -KERR_WOULD_BLOCK
    mov edi, EP_SLOT
    mov esi, 65
    SYS SYS_CALL
    EXPECT 3, -KERR_MSG_TOO_LONG
    mov rbx, USER_IPC_BUFFER            ; a long message: words 4..9 in the IPC buffers
    mov qword [rbx + 4 * 8], 4444
    mov qword [rbx + 9 * 8], 9999
    mov edi, EP_SLOT
    mov esi, (3000 << 16) | 10
    SYS SYS_CALL
    EXPECT 4, 0
    mov r12d, 17
    cmp rsi, (3001 << 16) | 10
    jne .failed
    cmp qword [rbx + 4 * 8], 4445       ; the server adds 1 to its word 4
    jne .failed
    cmp qword [rbx + 9 * 8], 9999       ; and sends word 9 back as it got it
    jne .failed
    mov edi, EP_SLOT
    mov esi, 2 << 7                     ; two capabilities
    SYS SYS_CALL
    EXPECT 5, -KERR_INVALID_ARGUMENT
    mov edi, EP_SLOT
    mov esi, 5
    SYS SYS_CAP_COPY                    ; slot 1 -> slot 5
    EXPECT 6, 0
    mov edi, 5
    mov esi, (2000 << 16) | 1
    mov edx, 7
    SYS SYS_CALL                        ; through the copy: label + 1, word + 1
    EXPECT 7, 0
    mov r12d, 8
    cmp rsi, (2001 << 16) | 1
    jne .failed
    cmp rdx, 8
    jne .failed
    mov edi, 5
    SYS SYS_CAP_DELETE
    EXPECT 9, 0
    mov edi, 5
    xor esi, esi
    SYS SYS_CALL
    EXPECT 10, -KERR_EMPTY_SLOT
    mov edi, EP_SLOT
    mov esi, 6
    mov edx, 1                          ; RIGHT_READ only
    xor r10d, r10d
    SYS SYS_CAP_MINT
    EXPECT 11, 0
    mov edi, 6
    xor esi, esi
    SYS SYS_SEND
    EXPECT 12, -KERR_INSUFFICIENT_RIGHTS
    mov edi, EP_SLOT
    SYS SYS_CAP_REVOKE                  ; slot 6 goes
    EXPECT 13, 0
    mov edi, 6
    xor esi, esi
    SYS SYS_SEND
    EXPECT 14, -KERR_EMPTY_SLOT
    mov edi, EP_SLOT
    SYS SYS_WAIT                        ; not a notification
    EXPECT 15, -KERR_WRONG_TYPE
    mov edi, 7
    SYS SYS_REPLY_SAVE                  ; nothing held
    EXPECT 16, -KERR_NO_CALLER
    mov rbx, USER_IPC_BUFFER            ; capabilities: ours to the server's slot 9,
    mov qword [rbx + IPCBUF_SEND_SLOT], EP_SLOT ; its back to our slot 20
    mov qword [rbx + IPCBUF_RECV_SLOT], 20
    mov edi, EP_SLOT
    mov esi, (4000 << 16) | (1 << 7)
    SYS SYS_CALL
    EXPECT 18, 0
    mov r12d, 19
    cmp rsi, (4001 << 16) | (1 << 7)    ; one capability received
    jne .failed
    cmp qword [rbx + IPCBUF_CAPS_RECEIVED], 1
    jne .failed
    cmp qword [rbx + IPCBUF_CAP_STATUS], 0
    jne .failed
    mov edi, 20
    mov esi, 21
    SYS SYS_CAP_COPY                    ; slot 20 holds it
    EXPECT 20, 0
    mov edi, EP_SLOT                    ; again: the server's slot 9 is taken now:
    mov esi, (4000 << 16) | (1 << 7)    ; the message arrives without the capability,
    SYS SYS_CALL                        ; so the server's echo carries none
    EXPECT 21, 0
    mov r12d, 22
    cmp rsi, 4001 << 16
    jne .failed
    WRITE msg_checks, msg_checks_len
    ret
.failed:
    WRITE msg_check_bad, msg_check_bad_len
    mov rax, r12
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
msg_checks:     db "ipc: error checks passed", 10
msg_checks_len  equ $ - msg_checks
msg_check_bad:  db "ipc: FAILED: error check "
msg_check_bad_len equ $ - msg_check_bad
