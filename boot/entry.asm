; entry.asm - every way into the kernel from a thread, and the one way out
; (kernel/README.md, "User mode"; the TypeScript side is kernel/exec.ts).
;
; One CPU, ONE kernel stack (kernel_stack_top, also TSS.RSP0): every entry
; (syscall, a CPU exception in ring 3, an interrupt in ring 3) saves the
; thread's registers into the CURRENT thread's register area (cur_regs,
; kernel/tcb.ts order), runs the kernel from the top of the kernel stack,
; and leaves through kernel_exit, which restores whatever thread is current
; THEN (the kernel may have switched: exec.ts calls user.switch). A blocked
; thread is nothing but its saved registers. The kernel runs with IF = 0;
; threads run with IF = 1. With no current thread (cur_regs = 0) the exit
; idles: sti; hlt on the kernel stack, and tries again after each interrupt.
;
; The register area word R_ENTRY says how the thread last left user mode:
; ENTRY_SYSCALL: by syscall (rcx and r11 are dead: leave by sysret);
; ENTRY_IRET (0, what a fresh thread has): anything else (iretq, every
; register restored). syscall_entry writes it only when the thread is
; switched away (the fast path returns to the caller and never needs it).
;
; Imports of the kernel Wasm module (module "user"):
;   user.syscall_init()      EFER.SCE; STAR (kernel CS 0x08, sysret base
;                            0x10: user SS 0x1B, CS 0x23); LSTAR =
;                            syscall_entry; SFMASK clears IF, DF, TF, AC,
;                            NT, IOPL on entry (AC clear: SMAP stays on).
;   user.switch(regs)        the thread whose register area is at linear
;                            address `regs` is current; the caller
;                            (exec.ts) has loaded its CR3.
;   user.idle()              no thread is current: the exit idles.
;   user.run()               from kmain: drop the kernel stack and leave
;                            through kernel_exit. Never returns.
;   user.entry_forget()      the thread that entered by the running system
;                            call is gone (stopped, freed): the exit must
;                            not write its result into its register area.
;   user.nmi_count() -> n    NMIs received so far (exception.asm counts them)
;   user.fpu_switch(save, restore)  clear CR0.TS; fxsave to linear address
;                            `save` (0: none), fxrstor from `restore` (512
;                            bytes each, 16-aligned): lazy x87/SSE state
;                            switching (exec.ts, on a #NM from ring 3).
; Exports of the kernel used here: syscall_dispatch(num, a0..a5) -> result (a5 on the stack),
; syscall_fast_call() and syscall_fast_reply_recv() -> result, or the
; register area to switch to (the IPC fast path for SYS_CALL /
; SYS_REPLY_RECV, kernel/fastpath.ts),
; user_fault(vector, error, address, rip), interrupt_dispatch(vector).
;
; Other entry points: syscall_entry (LSTAR), user_exception (exception.asm
; jumps here for a CPU exception in ring 3), interrupt_entry (idt.asm's
; stubs for vectors 32..255, with the vector pushed).

%include "boot.inc"

global wasm_import_user_syscall_init, wasm_import_user_switch, wasm_import_user_run
global wasm_import_user_entry_forget, wasm_import_user_idle, wasm_import_user_fpu_switch
global wasm_import_user_nmi_count
global syscall_entry, user_exception, interrupt_entry, kernel_exit
extern __wasm_memory_base, kernel_stack_top, nmi_count
extern wasm_export_syscall_dispatch, wasm_export_user_fault, wasm_export_interrupt_dispatch
extern wasm_export_syscall_fast_call, wasm_export_syscall_fast_reply_recv

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
R_ENTRY equ 160                         ; REG_ENTRY (after fs and gs base)
R_SYSCALLS equ 168                      ; REG_SYSCALLS: the thread's count of system calls

SYS_CALL       equ 5                    ; kernel/syscalls.ts (the ABI table)
SYS_REPLY_RECV equ 6

ENTRY_IRET    equ 0                     ; kernel/tcb.ts ENTRY_*
ENTRY_SYSCALL equ 1
ENTRY_GONE    equ 1                     ; entry_regs: the caller is gone (never equals cur_regs)

; Highest rip sysret may return to: above it rcx could be non-canonical.
SYSRET_RIP_MAX equ 0x00007FFFFFFFEFFF
; User RFLAGS bits kept on iretq: CF PF AF ZF SF DF OF; IF is always set.
USER_FLAGS_MASK equ 0x0CD5
RFLAGS_IF equ 0x200

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

wasm_import_user_switch:
    mov eax, edi
    lea rdi, [__wasm_memory_base]
    add rax, rdi
    mov [cur_regs], rax
    add rax, R_RFLAGS + 8
    mov [cur_regs_top], rax
    ret

wasm_import_user_idle:
    mov qword [cur_regs], 0
    ret

wasm_import_user_entry_forget:
    mov qword [entry_regs], ENTRY_GONE
    ret

wasm_import_user_fpu_switch:
    clts
    lea rax, [__wasm_memory_base]
    mov edi, edi
    mov esi, esi
    test edi, edi
    jz .restore
    fxsave64 [rax + rdi]
.restore:
    fxrstor64 [rax + rsi]
    ret

wasm_import_user_nmi_count:
    mov rax, [nmi_count]
    ret

wasm_import_user_run:
    mov qword [entry_regs], ENTRY_GONE
    jmp kernel_exit

; --- system calls -------------------------------------------------------------
; syscall: rcx = user rip, r11 = user rflags, rsp = user rsp; IF, DF, AC clear.
; The registers are pushed down the register area (rsp = its RFLAGS end).
syscall_entry:
    mov [user_rsp], rsp
    mov rsp, [cur_regs_top]
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
    mov [entry_regs], rsp               ; the area of the thread that called
    inc qword [rsp + R_SYSCALLS]        ; counted for proc_info (a watchdog's sign of life)
    cmp rax, SYS_CALL                   ; the IPC fast path (kernel/fastpath.ts)
    je syscall_fast_call
    cmp rax, SYS_REPLY_RECV
    je syscall_fast_reply_recv
    lea rsp, [kernel_stack_top - 8]
    ; syscall_dispatch(num, a0..a5) = (rax; rdi, rsi, rdx, r10, r8, r9):
    ; the seventh argument on the stack (rsp 16-aligned at the call)
    push r9
    mov r9, r8
    mov r8, r10
    mov rcx, rdx
    mov rdx, rsi
    mov rsi, rdi
    mov rdi, rax
    call wasm_export_syscall_dispatch
syscall_dispatched:
    mov r15, [cur_regs]
    cmp r15, [entry_regs]
    jne syscall_switched
; Back to the thread at r15 by sysret, rax = its result.
sysret_r15:
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
    lea rsp, [kernel_stack_top]
    mov edi, 13                         ; report it as a #GP of the thread
    xor esi, esi
    xor edx, edx
    ; rcx = rip
    call wasm_export_user_fault
    jmp kernel_exit
; call and reply_recv: the fast path, which reads its arguments from the
; saved registers and runs the general path itself when it does not apply
; (then rax = its result, <= 0, and the exit is the general one). When it
; has switched, rax = the linear address of the register area of the
; thread to run (> 0); the caller's result is already in its area.
syscall_fast_call:
    lea rsp, [kernel_stack_top]
    call wasm_export_syscall_fast_call
    test rax, rax
    jg syscall_fast_exit
    jmp syscall_dispatched
syscall_fast_reply_recv:
    lea rsp, [kernel_stack_top]
    call wasm_export_syscall_fast_reply_recv
    test rax, rax
    jle syscall_dispatched
syscall_fast_exit:                      ; as user.switch, then kernel_exit's sysret
    lea r15, [rax + __wasm_memory_base]
    mov [cur_regs], r15
    lea rax, [r15 + R_RFLAGS + 8]
    mov [cur_regs_top], rax
    cmp qword [r15 + R_ENTRY], ENTRY_SYSCALL
    jne kernel_exit
    mov rax, [r15 + R_RAX]
    jmp sysret_r15
; The kernel switched threads: the caller's result goes into its area
; (unless it is gone), to be restored when it runs again; then the same
; as kernel_exit (without its first steps: rsp does not matter for sysret).
syscall_switched:
    mov rbx, [entry_regs]
    cmp rbx, ENTRY_GONE
    jbe kernel_exit                     ; gone (or 0: not from a syscall)
    mov [rbx + R_RAX], rax
    mov qword [rbx + R_ENTRY], ENTRY_SYSCALL
    test r15, r15
    jz kernel_exit                      ; idle
    cmp qword [r15 + R_ENTRY], ENTRY_SYSCALL
    jne kernel_exit
    mov rax, [r15 + R_RAX]
    jmp sysret_r15

; --- the way out ------------------------------------------------------------------
; Restore the current thread (sysret or iretq, by its R_ENTRY), or idle.
kernel_exit:
    lea rsp, [kernel_stack_top]
    mov r15, [cur_regs]
    test r15, r15
    jz .idle
    cmp qword [r15 + R_ENTRY], ENTRY_SYSCALL
    jne .iret
    mov rax, [r15 + R_RAX]
    jmp sysret_r15
.iret:
    push SEL_USER_DATA | 3              ; ss
    push qword [r15 + R_RSP]
    mov rax, [r15 + R_RFLAGS]
    and eax, USER_FLAGS_MASK
    or eax, RFLAGS_IF | 2
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
; Nothing to run: wait for an interrupt (interrupt_entry handles it on
; this stack and returns here), then look again.
.idle:
    sti
    hlt
    cli
    jmp kernel_exit

; --- exceptions and interrupts from ring 3 ------------------------------------------
; Save every register of the current thread from the CPU's frame, whose
; rip is at [rsp + %1] after rax has been pushed. Leaves rax = the area.
%macro SAVE_FROM_FRAME 1
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
    mov rbx, [rsp + %1 - 8]
    mov [rax + R_RIP], rbx
    mov rbx, [rsp + %1 - 8 + 16]
    mov [rax + R_RFLAGS], rbx
    mov rbx, [rsp + %1 - 8 + 24]
    mov [rax + R_RSP], rbx
    mov qword [rax + R_ENTRY], ENTRY_IRET
    push 2                              ; IF, DF and AC clear (a user AC
    popfq                               ; would switch SMAP off)
%endmacro

; A CPU exception in ring 3. Stack (TSS.RSP0 = kernel_stack_top): vector,
; error code, then the CPU's frame rip, cs, rflags, rsp, ss.
user_exception:
    SAVE_FROM_FRAME 24
    mov rdi, [rsp]                      ; vector
    mov rsi, [rsp + 8]                  ; error code
    mov rdx, cr2
    mov rcx, [rsp + 16]                 ; rip
    lea rsp, [kernel_stack_top]
    call wasm_export_user_fault
    jmp kernel_exit

; An interrupt (vectors 32..255): stack: vector, then the CPU's frame.
; From ring 3: the thread's registers are saved and the exit restores
; whatever is current after interrupt_dispatch. From ring 0 (the idle loop
; above, or kernel code that enabled interrupts for a moment): the handler
; runs on the same stack, nested, and returns to the interrupted code.
interrupt_entry:
    test byte [rsp + 16], 3             ; CS of the interrupted code
    jz .kernel
    SAVE_FROM_FRAME 16
    mov rdi, [rsp]                      ; vector
    lea rsp, [kernel_stack_top]
    call wasm_export_interrupt_dispatch
    jmp kernel_exit
.kernel:
    push rax
    push rcx
    push rdx
    push rsi
    push rdi
    push r8
    push r9
    push r10
    push r11
    mov rdi, [rsp + 72]                 ; vector
    push rbp
    mov rbp, rsp                        ; frame, for a backtrace; realign
    and rsp, -16
    cld
    call wasm_export_interrupt_dispatch
    mov rsp, rbp
    pop rbp
    pop r11
    pop r10
    pop r9
    pop r8
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rax
    add rsp, 8                          ; the vector
    iretq

section .bss
align 8
cur_regs:     resq 1                    ; absolute address of the current thread's register area, 0 = idle
cur_regs_top: resq 1                    ; cur_regs + R_RFLAGS + 8 (syscall_entry pushes down from it)
entry_regs:   resq 1                    ; the area of the thread in the running system call, 0 = gone
user_rsp:     resq 1                    ; scratch in syscall_entry
