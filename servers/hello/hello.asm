; hello.asm - the first user program: a static ELF64 linked at 0x400000
; (Makefile), loaded by the kernel from a GRUB boot module (kernel/elf.ts,
; kernel/usermode.ts). It
;   1. prints a greeting with debug_write;
;   2. checks that debug_write refuses a kernel pointer and an unmapped one;
;   3. times NULL_CALLS null system calls with rdtsc and prints
;      "hello: null syscall: <ticks per call> ticks per call (<total> for
;      <n> calls)" (under QEMU -icount shift=0 a tick is one guest
;      instruction; each call also counts the loop's mov, dec and jnz);
;   4. reads a kernel address: the kernel must stop it with a report.

NULL_CALLS      equ 1000
KERNEL_ADDRESS  equ 0xFFFFFFFF80100000  ; the kernel image: supervisor-only
UNMAPPED        equ 0x10000000

bits 64
default rel
section .text
%include "user.inc"               ; system-call numbers, WRITE
global _start

_start:
    WRITE msg_hello, msg_hello_len

    ; The kernel must refuse pointers the program may not read.
    mov rdi, KERNEL_ADDRESS
    mov esi, 16
    mov eax, SYS_DEBUG_WRITE
    syscall
    test rax, rax
    jns .bad_check
    mov rdi, UNMAPPED
    mov esi, 16
    mov eax, SYS_DEBUG_WRITE
    syscall
    test rax, rax
    jns .bad_check
    lea rdi, [msg_hello]                ; straddles the end of the mapping
    mov rsi, 0x100000
    mov eax, SYS_DEBUG_WRITE
    syscall
    test rax, rax
    jns .bad_check
    WRITE msg_checks, msg_checks_len

    mov eax, SYS_YIELD
    syscall

    ; The null system call, NULL_CALLS times.
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov r12, rax
    mov r13d, NULL_CALLS
.loop:
    mov eax, SYS_NULL
    syscall
    dec r13d
    jnz .loop
    rdtsc
    shl rdx, 32
    or rax, rdx
    sub rax, r12
    mov r12, rax                        ; total ticks

    WRITE msg_null, msg_null_len
    mov rax, r12
    xor edx, edx
    mov ecx, NULL_CALLS
    div rcx
    call print_dec
    WRITE msg_per_call, msg_per_call_len
    mov rax, r12
    call print_dec
    WRITE msg_for, msg_for_len
    mov eax, NULL_CALLS
    call print_dec
    WRITE msg_calls, msg_calls_len

    WRITE msg_touch, msg_touch_len
    mov rax, KERNEL_ADDRESS
    mov rax, [rax]                      ; the kernel stops us here
    WRITE msg_survived, msg_survived_len
    mov edi, 1
    mov eax, SYS_EXIT
    syscall

.bad_check:
    WRITE msg_bad_check, msg_bad_check_len
    mov edi, 2
    mov eax, SYS_EXIT
    syscall

%include "print_dec.inc"

section .rodata
msg_hello:      db "hello from user space", 10
msg_hello_len   equ $ - msg_hello
msg_checks:     db "hello: debug_write refused a kernel, an unmapped and an overlong pointer", 10
msg_checks_len  equ $ - msg_checks
msg_bad_check:  db "hello: FAILED: debug_write accepted a bad pointer", 10
msg_bad_check_len equ $ - msg_bad_check
msg_null:       db "hello: null syscall: "
msg_null_len    equ $ - msg_null
msg_per_call:   db " ticks per call ("
msg_per_call_len equ $ - msg_per_call
msg_for:        db " for "
msg_for_len     equ $ - msg_for
msg_calls:      db " calls)", 10
msg_calls_len   equ $ - msg_calls
msg_touch:      db "hello: reading a kernel address", 10
msg_touch_len   equ $ - msg_touch
msg_survived:   db "hello: FAILED: the kernel address was readable", 10
msg_survived_len equ $ - msg_survived
