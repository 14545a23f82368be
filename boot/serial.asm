; serial.asm - printing on COM1 from 64-bit code, for the boot path and the
; fault reports (exception.asm, wasm_env.asm). The UART was programmed by
; serial32_init; these routines need nothing else: no stack beyond a few
; words, no kernel state. Each preserves every register (flags excepted), so
; assembly callers can print between other work without saving anything.

%include "boot.inc"

global serial_putc, serial_puts, serial_hex64, serial_dec64

bits 64
default rel
section .text

; Send the byte in dil; '\n' goes out as "\r\n".
serial_putc:
    push rax
    push rcx
    push rdx
    cmp dil, 10
    jne .send
    mov al, 13
    call .raw
.send:
    mov al, dil
    call .raw
    pop rdx
    pop rcx
    pop rax
    ret
.raw:                                   ; al = byte; clobbers rcx, rdx
    push rax
    mov dx, COM1 + 5                    ; LSR: wait (bounded) until THR is empty
    mov ecx, 100000
.wait:
    in al, dx
    test al, 0x20
    jnz .ready
    pause
    dec ecx
    jnz .wait
.ready:
    pop rax
    mov dx, COM1
    out dx, al
    ret

; Print the NUL-terminated string at rdi.
serial_puts:
    push rdi
    push rsi
    mov rsi, rdi
.next:
    movzx edi, byte [rsi]
    test edi, edi
    jz .done
    call serial_putc
    inc rsi
    jmp .next
.done:
    pop rsi
    pop rdi
    ret

; Print rdi as "0x" followed by 16 lowercase hex digits.
serial_hex64:
    push rdi
    push rsi
    push rcx
    mov rsi, rdi
    mov edi, '0'
    call serial_putc
    mov edi, 'x'
    call serial_putc
    mov ecx, 16
.digit:
    rol rsi, 4
    mov edi, esi
    and edi, 0x0F
    add edi, '0'
    cmp edi, '9'
    jbe .out
    add edi, 'a' - '0' - 10
.out:
    call serial_putc
    dec ecx
    jnz .digit
    pop rcx
    pop rsi
    pop rdi
    ret

; Print rdi as an unsigned decimal number.
serial_dec64:
    push rax
    push rcx
    push rdx
    push rdi
    sub rsp, 24                         ; room for 20 digits and a NUL
    lea rcx, [rsp + 23]
    mov byte [rcx], 0
    mov rax, rdi
.divide:
    xor edx, edx
    mov edi, 10
    div rdi
    add dl, '0'
    dec rcx
    mov [rcx], dl
    test rax, rax
    jnz .divide
    mov rdi, rcx
    call serial_puts
    add rsp, 24
    pop rdi
    pop rdx
    pop rcx
    pop rax
    ret
