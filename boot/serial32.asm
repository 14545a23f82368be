; serial32.asm - COM1 for the 32-bit part of the boot (before paging).
; start32.asm calls serial32_init first thing, so every later message, from
; here, from the 64-bit code (serial.asm) or from the kernel, reaches the
; serial port even if nothing else works. Strings are passed by physical
; address (PHYS(label)) because paging is still off.

%include "boot.inc"

global serial32_init, serial32_puts, serial32_hex32, boot32_fail, boot32_fail_tail

bits 32
section .text

; Program the UART: 115200 baud (divisor 1), 8 data bits, no parity, 1 stop
; bit, FIFOs on, no interrupts. Preserves all registers.
serial32_init:
    push eax
    push edx
    mov dx, COM1 + 1            ; IER: no interrupts
    xor al, al
    out dx, al
    mov dx, COM1 + 3            ; LCR: DLAB=1 to set the divisor
    mov al, 0x80
    out dx, al
    mov dx, COM1 + 0            ; divisor low byte
    mov al, 1
    out dx, al
    mov dx, COM1 + 1            ; divisor high byte
    xor al, al
    out dx, al
    mov dx, COM1 + 3            ; LCR: 8N1, DLAB=0
    mov al, 0x03
    out dx, al
    mov dx, COM1 + 2            ; FCR: enable and clear FIFOs, 14-byte threshold
    mov al, 0xC7
    out dx, al
    mov dx, COM1 + 4            ; MCR: DTR, RTS
    mov al, 0x03
    out dx, al
    pop edx
    pop eax
    ret

; Send the byte in al; '\n' goes out as "\r\n". Preserves all registers.
serial32_putc:
    cmp al, 10
    jne .raw
    mov al, 13
    call .raw
    mov al, 10
.raw:
    push ecx
    push edx
    push eax
    mov dx, COM1 + 5            ; LSR: wait (bounded) for an empty transmitter
    mov ecx, 100000
.wait:
    in al, dx
    test al, 0x20
    jnz .ready
    pause
    loop .wait
.ready:
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    pop ecx
    ret

; Print the NUL-terminated string at physical address esi. Preserves all.
serial32_puts:
    push eax
    push esi
.next:
    mov al, [esi]
    test al, al
    jz .done
    call serial32_putc
    inc esi
    jmp .next
.done:
    pop esi
    pop eax
    ret

; Print eax as "0x" and 8 hex digits. Preserves all registers.
serial32_hex32:
    push eax
    push ecx
    push edx
    mov edx, eax
    mov al, '0'
    call serial32_putc
    mov al, 'x'
    call serial32_putc
    mov ecx, 8
.digit:
    rol edx, 4
    mov al, dl
    and al, 0x0F
    add al, '0'
    cmp al, '9'
    jbe .out
    add al, 'a' - '0' - 10
.out:
    call serial32_putc
    loop .digit
    pop edx
    pop ecx
    pop eax
    ret

; Print "boot: <message at physical esi>", report failure to QEMU
; (isa-debug-exit) and halt for good. Never returns.
boot32_fail:
    push esi
    mov esi, PHYS(msg_prefix)
    call serial32_puts
    pop esi
; Same, for a message whose start is already printed: esi = the rest.
boot32_fail_tail:
    call serial32_puts
    mov al, 10
    call serial32_putc
    mov al, DEBUG_EXIT_FAIL
    out DEBUG_EXIT_PORT, al
.halt:
    cli
    hlt
    jmp .halt

section .rodata
msg_prefix: db "boot: ", 0
