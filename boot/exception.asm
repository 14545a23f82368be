; exception.asm - the common exception handler: a report on COM1, then stop.
; Every stub in idt.asm jumps to exception_entry with the vector and an error
; code pushed above the CPU's frame. The report is meant to be grepped:
;
;   EXCEPTION 14 #PF page fault err=0x0000000000000002
;   RIP=0x... CS=0x... RFLAGS=0x...
;   RSP=0x... SS=0x... CR2=0x... CR3=0x...
;   RAX=... RBX=... RCX=... RDX=...   (then RSI..R15, four to a line)
;   backtrace:
;     0x<RIP>
;     0x<return addresses, walking rbp>
;   end of exception report
;
; then QEMU is told the run failed (machine_fail: exit status 35) and the CPU
; halts. A fault while the report is being printed (a corrupt stack, say)
; gives a one-line message instead of an endless loop. An exception in ring 3
; goes to entry.asm's user_exception instead (the thread's fault, not the
; kernel's), and an NMI, in any ring, is counted and returns to what it
; interrupted.

%include "boot.inc"

global exception_entry, nmi_count
extern serial_putc, serial_puts, serial_hex64, serial_dec64, print_backtrace, machine_fail
extern kernel_stack_guard, ist_stack_guard, panic_stack_guard
extern user_exception

; The frame exception_entry builds, as offsets from its final rsp.
F_CR3    equ 0
F_CR2    equ 8
F_R15    equ 16
F_R14    equ 24
F_R13    equ 32
F_R12    equ 40
F_R11    equ 48
F_R10    equ 56
F_R9     equ 64
F_R8     equ 72
F_RBP    equ 80
F_RDI    equ 88
F_RSI    equ 96
F_RDX    equ 104
F_RCX    equ 112
F_RBX    equ 120
F_RAX    equ 128
F_VECTOR equ 136                ; pushed by the stub
F_ERROR  equ 144                ; by the CPU, or a dummy 0 by the stub
F_RIP    equ 152                ; the CPU's interrupt frame
F_CS     equ 160
F_RFLAGS equ 168
F_RSP    equ 176
F_SS     equ 184

bits 64
default rel
section .text

exception_entry:
    cmp qword [rsp], 2                  ; NMI: nobody's fault (below)
    je nmi_entry
    test byte [rsp + 24], 3             ; CS of the interrupted code: ring 3?
    jnz user_exception                  ; a user fault: entry.asm
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rax, cr2
    push rax
    mov rax, cr3
    push rax
    mov rbx, rsp                        ; rbx = the frame from here on
    and rsp, -16
    cld

    lock bts dword [reporting], 0
    jc .nested

    ; EXCEPTION <n> <mnemonic and name> err=<error code>
    lea rdi, [msg_exception]
    call serial_puts
    mov rdi, [rbx + F_VECTOR]
    call serial_dec64
    mov edi, ' '
    call serial_putc
    mov rax, [rbx + F_VECTOR]
    lea rdi, [msg_unknown_vector]
    cmp rax, 32
    jae .name
    lea rdi, [vector_names]
    mov rdi, [rdi + rax * 8]
.name:
    call serial_puts
    lea rdi, [msg_err]
    call serial_puts
    mov rdi, [rbx + F_ERROR]
    call serial_hex64

    ; Registers, from the table below: label, frame offset.
    lea rsi, [register_table]
.register:
    mov rdi, [rsi]
    test rdi, rdi
    jz .registers_done
    call serial_puts
    mov rax, [rsi + 8]
    mov rdi, [rbx + rax]
    call serial_hex64
    add rsi, 16
    jmp .register
.registers_done:
    lea rdi, [msg_newline]
    call serial_puts

    ; A fault address inside a guard page means a stack ran over.
    mov rax, [rbx + F_CR2]
    and rax, ~0xFFF
    lea rdi, [msg_guard_kernel]
    lea rcx, [kernel_stack_guard]
    cmp rax, rcx
    je .guard
    lea rdi, [msg_guard_ist]
    lea rcx, [ist_stack_guard]
    cmp rax, rcx
    je .guard
    lea rdi, [msg_guard_panic]
    lea rcx, [panic_stack_guard]
    cmp rax, rcx
    jne .no_guard
.guard:
    call serial_puts
.no_guard:

    mov rdi, [rbx + F_RIP]
    mov rsi, [rbx + F_RBP]
    call print_backtrace
    lea rdi, [msg_end]
    call serial_puts
    jmp machine_fail

.nested:
    lea rdi, [msg_nested]
    call serial_puts
    mov rdi, [rbx + F_VECTOR]
    call serial_dec64
    lea rdi, [msg_nested_rip]
    call serial_puts
    mov rdi, [rbx + F_RIP]
    call serial_hex64
    lea rdi, [msg_nested_end]
    call serial_puts
    jmp machine_fail

; A non-maskable interrupt (on IST1, whatever ran: a thread, the kernel,
; the idle loop): not a fault of the interrupted code, which goes on. It is
; only counted (nmi_count): printing here could cut into a line the kernel
; is printing; the kernel reports new NMIs at its next interrupt
; (kernel/intdispatch.ts, through user.nmi_count in entry.asm).
nmi_entry:
    lock inc qword [nmi_count]
    add rsp, 16                         ; vector, dummy error code
    iretq

section .bss
reporting: resd 1                       ; bit 0 set while a report is printed
alignb 8
nmi_count: resq 1                       ; NMIs received

section .rodata
msg_exception:      db "EXCEPTION ", 0
msg_err:            db " err=", 0
msg_newline:        db 10, 0
msg_unknown_vector: db "(not a CPU exception)", 0
msg_guard_kernel:   db "note: CR2 is in the guard page below the kernel stack: kernel stack overflow", 10, 0
msg_guard_ist:      db "note: CR2 is in the guard page below the IST1 stack: exception stack overflow", 10, 0
msg_guard_panic:    db "note: CR2 is in the guard page below the panic stack", 10, 0
msg_end:            db "end of exception report", 10, 0
msg_nested:         db 10, "EXCEPTION while printing an exception report: vector ", 0
msg_nested_rip:     db " at RIP=", 0
msg_nested_end:     db 10, 0

%macro REG 2
    dq %%name, %2
section .rodata
%%name: db %1, 0
section .rodata.tables
%endmacro

section .rodata.tables progbits alloc noexec nowrite align=8
align 8
register_table:
    REG {10, "RIP="}, F_RIP
    REG " CS=", F_CS
    REG " RFLAGS=", F_RFLAGS
    REG {10, "RSP="}, F_RSP
    REG " SS=", F_SS
    REG " CR2=", F_CR2
    REG " CR3=", F_CR3
    REG {10, "RAX="}, F_RAX
    REG " RBX=", F_RBX
    REG " RCX=", F_RCX
    REG " RDX=", F_RDX
    REG {10, "RSI="}, F_RSI
    REG " RDI=", F_RDI
    REG " RBP=", F_RBP
    REG " R8=", F_R8
    REG {10, "R9="}, F_R9
    REG " R10=", F_R10
    REG " R11=", F_R11
    REG " R12=", F_R12
    REG {10, "R13="}, F_R13
    REG " R14=", F_R14
    REG " R15=", F_R15
    dq 0, 0

%macro NAME 1
    dq %%name
section .rodata
%%name: db %1, 0
section .rodata.tables
%endmacro

vector_names:
    NAME "#DE divide error"
    NAME "#DB debug"
    NAME "NMI non-maskable interrupt"
    NAME "#BP breakpoint"
    NAME "#OF overflow"
    NAME "#BR bound range exceeded"
    NAME "#UD invalid opcode"
    NAME "#NM device not available"
    NAME "#DF double fault"
    NAME "coprocessor segment overrun"
    NAME "#TS invalid TSS"
    NAME "#NP segment not present"
    NAME "#SS stack-segment fault"
    NAME "#GP general protection"
    NAME "#PF page fault"
    NAME "reserved"
    NAME "#MF x87 floating-point error"
    NAME "#AC alignment check"
    NAME "#MC machine check"
    NAME "#XM SIMD floating-point exception"
    NAME "#VE virtualization exception"
    NAME "#CP control protection"
    NAME "reserved"
    NAME "reserved"
    NAME "reserved"
    NAME "reserved"
    NAME "reserved"
    NAME "reserved"
    NAME "#HV hypervisor injection"
    NAME "#VC VMM communication"
    NAME "#SX security exception"
    NAME "reserved"
