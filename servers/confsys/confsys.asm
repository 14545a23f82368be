; confsys.asm - confinement test (issue 8, item 3): a process holding only
; what the kernel gives every process (slot 0 its CNode, 2 its thread, 3
; its address space, 4 its IPC buffer's memory) tries, through every slot
; 0..127 (and 128, 2^32 - 1), to send to an endpoint (nb_send), receive
; (nb_recv), signal, touch an I/O port (ioport_in / ioport_out), receive
; an IRQ (irq_set_notification, irq_ack), map memory (mem_map, its own IPC
; buffer's object included: one mapping per capability), narrow a hardware
; capability (res_derive), give a process capabilities (proc_give) and
; create objects (obj_create: initial process only); and to make the
; kernel read kernel memory for it (debug_write of a kernel address).
; Every call must fail. It exits with the number that succeeded: the test
; wants "process confsys: exited with status 0".
%include "user.inc"

; TRY number, rdi, rsi, rdx, r10: one call; r12 counts calls, r13 successes.
%macro TRY 5
    mov rdi, %2
    mov rsi, %3
    mov rdx, %4
    mov r10, %5
    xor r8d, r8d
    xor r9d, r9d
    mov eax, %1
    syscall
    inc r12
    test rax, rax
    jnz %%refused
    inc r13
%%refused:
%endmacro

_start:
    WRITE msg, msg_len
    xor r12d, r12d
    xor r13d, r13d
    xor ebx, ebx                        ; the slot
.slot:
    TRY SYS_NB_SEND, rbx, 1, 0, 0
    TRY SYS_NB_RECV, rbx, 0, 0, 0
    TRY SYS_SIGNAL, rbx, 0, 0, 0
    TRY SYS_IOPORT_IN, rbx, 0x80, 1, 0
    TRY SYS_IOPORT_OUT, rbx, 0x80, 1, 0
    TRY SYS_IRQ_SET_NOTIFICATION, rbx, rbx, 0, 0
    TRY SYS_IRQ_ACK, rbx, 0, 0, 0
    TRY SYS_MEM_MAP, rbx, 0x100000000, 1, 0
    TRY SYS_RES_DERIVE, rbx, 100, 0, 1
    TRY SYS_PROC_GIVE, rbx, 50, 100, 31    ; src 50: empty (its own thread in slot 2 may give itself its own capabilities)
    TRY SYS_OBJ_CREATE, 7, 100, 4, 0      ; an IRQ handler for IRQ 4
    TRY SYS_OBJ_CREATE, 8, 101, 0x10080, 0 ; I/O port 0x80
    inc ebx
    cmp ebx, 130
    jb .slot
    TRY SYS_NB_SEND, 0xFFFFFFFF, 1, 0, 0
    TRY SYS_DEBUG_WRITE, 0xffff800000100000, 16, 0, 0
    TRY SYS_DEBUG_WRITE, 0xffffffff80100000, 16, 0, 0
    mov edi, r13d
    mov eax, SYS_EXIT
    syscall
    ud2
section .rodata
msg: db "confine: every capability call through every slot of a process without capabilities", 10
msg_len equ $ - msg
