; ktestcrash.asm - the crash helper of the in-OS test suite (servers/ktest):
; receives one message on the endpoint ktest gave it (CNode slot 5) and
; raises the CPU exception that word 0 names (servers/ktest/proto.ts K_*):
; 0 divide error, 3 int3, 6 ud2, 13 cli in ring 3 (#GP), 14 a read of
; address 8 (not mapped), 15 a write into the kernel's direct map (a
; present supervisor page). ktest, its fault endpoint, then gets the fault
; as a message and frees the process. Never returns from the fault.
EP_SLOT         equ 5

%include "user.inc"

_start:
    mov edi, EP_SLOT
    mov eax, SYS_RECV
    syscall
    test rax, rax
    jnz .failed
    cmp rdx, 0
    je .divide
    cmp rdx, 3
    je .breakpoint
    cmp rdx, 6
    je .ud2
    cmp rdx, 13
    je .gp
    cmp rdx, 14
    je .null
    cmp rdx, 15
    je .kernel
    jmp .failed
.divide:
    xor ecx, ecx
    mov eax, 1
    xor edx, edx
    div ecx
    jmp .failed
.breakpoint:
    int3
    jmp .failed
.ud2:
    ud2
.gp:
    cli
    jmp .failed
.null:
    mov rax, [abs 8]
    jmp .failed
.kernel:
    mov rax, 0xffff800000000000
    mov qword [rax], 1
    jmp .failed
.failed:
    WRITE msg_failed, msg_failed_len
    mov edi, 1
    mov eax, SYS_EXIT
    syscall

section .rodata
msg_failed:     db "ktestcrash: FAILED: no fault", 10
msg_failed_len  equ $ - msg_failed
