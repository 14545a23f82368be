; syscall.asm - the way into and out of user mode (kernel/usermode.ts has
; the overview). Single CPU: the state is in globals, not a per-CPU area.
;
;   wasm_import_user_syscall_init()  EFER.SCE; STAR (kernel CS 0x08, sysret
;                                    base 0x10: user SS 0x1B, CS 0x23);
;                                    LSTAR = syscall_entry; SFMASK clears
;                                    IF, DF, TF, AC, NT, IOPL on entry
;                                    (AC clear: SMAP stays in force).
;   wasm_import_user_enter(regs)     regs: linear address (i32) of the
;                                    thread's register area (kernel/tcb.ts
;                                    order). Saves rbx, rbp, r12-r15 and rsp
;                                    (the thread's kernel stack top, also
;                                    TSS.RSP0), enters ring 3 by iretq.
;                                    Returns the status given to leave.
;   wasm_import_user_leave(status)   from inside a system call: back to
;                                    enter's caller (the kernel stack is
;                                    discarded).
;   wasm_import_user_switch(regs)    from inside a system call: the thread
;                                    whose register area is at `regs` is
;                                    the one syscall_entry returns to (IPC
;                                    context switch; the caller set CR3).
;   syscall_entry                    LSTAR.
;   user_exception                   exception.asm jumps here for a CPU
;                                    exception in ring 3.

%include "boot.inc"

global wasm_import_user_syscall_init, wasm_import_user_enter, wasm_import_user_leave, wasm_import_user_switch
global syscall_entry, user_exception
extern __wasm_memory_base, boot_tss
extern wasm_export_syscall_dispatch, wasm_export_user_fault

MSR_EFER   equ 0xC0000080
MSR_STAR   equ 0xC0000081
MSR_LSTAR  equ 0xC0000082
MSR_SFMASK equ 0xC0000084
SFMASK_BITS equ 0x47700                 ; AC | NT | IOPL | DF | IF | TF (as Linux)

; Register area offsets (kernel/tcb.ts REG_*).
R_RAX equ 0
R_RBX equ 8
R_RCX equ 16
R_RDX equ 24
R_RSI equ 32
R_RDI equ 40
R_RBP equ 48
R_RSP equ 56
R_R8  equ 64
R_R9  equ 72
R_R10 equ 80
R_R11 equ 88
R_R12 equ 96
R_R13 equ 104
R_R14 equ 112
R_R15 equ 120
R_RIP equ 128
R_RFLAGS equ 136
R_COUNT equ 20

; Highest rip sysret may return to: above it rcx could be non-canonical.
SYSRET_RIP_MAX equ 0x00007FFFFFFFEFFF
; User RFLAGS bits kept on iretq: CF PF AF ZF SF DF OF (IF stays 0 for now).
USER_FLAGS_MASK equ 0x0CD5

bits 64
default rel
section .text

wasm_import_user_syscall_init:
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1                           ; SCE
    wrmsr
    mov ecx, MSR_STAR
    xor eax, eax
    mov edx, (0x10 << 16) | SEL_KERNEL_CODE
    wrmsr
    mov ecx, MSR_LSTAR
    lea rax, [syscall_entry]
    mov rdx, rax
    shr rdx, 32
    wrmsr
    mov ecx, MSR_SFMASK
    mov eax, SFMASK_BITS
    xor edx, edx
    wrmsr
    ret

wasm_import_user_enter:
    push rbp
    mov rbp, rsp
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8                          ; 16-byte aligned
    mov [kernel_rsp], rsp
    mov [boot_tss + 4], rsp             ; RSP0: exceptions from ring 3 land here
    mov eax, edi
    lea rdi, [__wasm_memory_base]
    add rax, rdi
    mov [cur_regs], rax
    ; fall through

; Enter ring 3 with every register from the register area.
enter_iretq:
    mov r15, [cur_regs]
    push SEL_USER_DATA | 3              ; ss
    push qword [r15 + R_RSP]
    mov rax, [r15 + R_RFLAGS]
    and eax, USER_FLAGS_MASK
    or eax, 2
    push rax
    push SEL_USER_CODE | 3              ; cs
    push qword [r15 + R_RIP]
    mov rax, [r15 + R_RAX]
    mov rbx, [r15 + R_RBX]
    mov rcx, [r15 + R_RCX]
    mov rdx, [r15 + R_RDX]
    mov rsi, [r15 + R_RSI]
    mov rdi, [r15 + R_RDI]
    mov rbp, [r15 + R_RBP]
    mov r8, [r15 + R_R8]
    mov r9, [r15 + R_R9]
    mov r10, [r15 + R_R10]
    mov r11, [r15 + R_R11]
    mov r12, [r15 + R_R12]
    mov r13, [r15 + R_R13]
    mov r14, [r15 + R_R14]
    mov r15, [r15 + R_R15]
    iretq

wasm_import_user_switch:
    mov eax, edi
    lea rdi, [__wasm_memory_base]
    add rax, rdi
    mov [cur_regs], rax
    ret

wasm_import_user_leave:
    mov eax, edi
leave_to_kernel:                        ; eax = status
    mov rsp, [kernel_rsp]
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; syscall: rcx = user rip, r11 = user rflags, rsp = user rsp; IF, DF, AC clear.
syscall_entry:
    mov [user_rsp], rsp
    mov rsp, [cur_regs]
    add rsp, R_COUNT * 8                ; push the registers down the area
    push 0                              ; gs base
    push 0                              ; fs base
    push r11                            ; rflags
    push rcx                            ; rip
    push r15
    push r14
    push r13
    push r12
    push r11
    push r10
    push r9
    push r8
    push qword [user_rsp]
    push rbp
    push rdi
    push rsi
    push rdx
    push rcx
    push rbx
    push rax
    mov rsp, [kernel_rsp]
    ; syscall_dispatch(num, a0..a4) = (rax; rdi, rsi, rdx, r10, r8)
    mov r9, r8
    mov r8, r10
    mov rcx, rdx
    mov rdx, rsi
    mov rsi, rdi
    mov rdi, rax
    call wasm_export_syscall_dispatch
    mov r15, [cur_regs]
    mov rcx, [r15 + R_RIP]
    mov r11, SYSRET_RIP_MAX
    cmp rcx, r11
    ja .bad_rip                         ; sysret would #GP in ring 0
    mov r11, [r15 + R_RFLAGS]
    mov rbx, [r15 + R_RBX]
    mov rdx, [r15 + R_RDX]
    mov rsi, [r15 + R_RSI]
    mov rdi, [r15 + R_RDI]
    mov rbp, [r15 + R_RBP]
    mov r8, [r15 + R_R8]
    mov r9, [r15 + R_R9]
    mov r10, [r15 + R_R10]
    mov r12, [r15 + R_R12]
    mov r13, [r15 + R_R13]
    mov r14, [r15 + R_R14]
    mov rsp, [r15 + R_RSP]
    mov r15, [r15 + R_R15]
    o64 sysret
.bad_rip:
    mov edi, 13                         ; report it as a #GP of the thread
    xor esi, esi
    xor edx, edx
    ; rcx = rip
    jmp fault_common

; A CPU exception in ring 3. Stack (TSS.RSP0 = kernel_rsp): vector, error
; code, then the CPU's frame rip, cs, rflags, rsp, ss.
user_exception:
    push rax
    mov rax, [cur_regs]
    mov [rax + R_RBX], rbx
    mov [rax + R_RCX], rcx
    mov [rax + R_RDX], rdx
    mov [rax + R_RSI], rsi
    mov [rax + R_RDI], rdi
    mov [rax + R_RBP], rbp
    mov [rax + R_R8], r8
    mov [rax + R_R9], r9
    mov [rax + R_R10], r10
    mov [rax + R_R11], r11
    mov [rax + R_R12], r12
    mov [rax + R_R13], r13
    mov [rax + R_R14], r14
    mov [rax + R_R15], r15
    pop rbx
    mov [rax + R_RAX], rbx
    mov rbx, [rsp + 16]
    mov [rax + R_RIP], rbx
    mov rbx, [rsp + 32]
    mov [rax + R_RFLAGS], rbx
    mov rbx, [rsp + 40]
    mov [rax + R_RSP], rbx
    mov rdi, [rsp]                      ; vector
    mov rsi, [rsp + 8]                  ; error code
    mov rdx, cr2
    mov rcx, [rsp + 16]                 ; rip
fault_common:
    mov rsp, [kernel_rsp]
    cld
    call wasm_export_user_fault
    jmp leave_to_kernel

section .bss
align 8
cur_regs:   resq 1                      ; absolute address of the running thread's register area
kernel_rsp: resq 1                      ; its kernel stack top (enter's saved frame)
user_rsp:   resq 1                      ; scratch in syscall_entry
