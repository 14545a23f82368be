; multiboot2.asm - the multiboot2 header that lets GRUB recognise kernel.elf.
; boot/linker.ld puts section .multiboot2 first in the image, well inside the
; first 32 KiB of the file as the specification requires. GRUB loads the ELF
; segments at their physical addresses (1 MiB up) and jumps to _start
; (boot/start32.asm). The boot information (memory map, command line,
; modules) is always passed; asked for here: modules page-aligned, so the
; kernel can map a module's frames without copying, and a framebuffer (tag 5,
; optional): GRUB sets a graphics mode (grub.cfg's gfxpayload says which)
; and reports it in the framebuffer tag; where it cannot (or gfxpayload=text)
; the kernel gets VGA text mode, reported as an EGA text framebuffer. The
; console server (servers/console) draws on either.

MB2_HEADER_MAGIC equ 0xE85250D6
MB2_ARCH_I386    equ 0                    ; 32-bit protected mode entry

section .multiboot2 progbits alloc noexec nowrite align=8
align 8
mb2_header:
    dd MB2_HEADER_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

    ; tag 6: module alignment (modules start on a page boundary)
    align 8, db 0
    dw 6, 0
    dd 8

    ; tag 5: framebuffer, optional (flags bit 0): 1024 x 768 x 32 preferred
    ; (GRUB makes it gfxpayload; grub.cfg may override it after multiboot2)
    align 8, db 0
    dw 5, 1
    dd 20
    dd 1024, 768, 32

    ; end tag
    align 8, db 0
    dw 0, 0
    dd 8
mb2_header_end:
