; paging32.asm - the boot page tables, built in 32-bit mode before paging is on.
; start32.asm calls paging32_build and then loads boot_pml4 into CR3.
;
;   PML4[0]   -> identity map of physical 0..1 GiB (2 MiB pages, executable):
;                only for the instructions around the switch; start64.asm
;                clears it once it runs in the higher half.
;   PML4[256] -> direct map: DIRECT_MAP_BASE + 0..4 GiB -> physical 0..4 GiB
;                (2 MiB pages, writable, NX).
;   PML4[511] -> the kernel image: KERNEL_OFFSET + phys -> phys, 4 KiB pages
;                over exactly the image (boot/linker.ld symbols): text
;                read+execute, rodata read-only, data/bss read+write NX. The
;                stack guard pages and the Wasm memory beyond its initial size
;                stay unmapped, so touching them faults.
;
; All tables live in section .pagetables (.bss-like, zeroed here). The kernel
; page tables form one flat array indexed by physical page number, with a
; page table for every page up to KERNEL_PT_COUNT * 2 MiB, so
; __wasm_memory_grow (wasm_env.asm), which walks whatever CR3 holds, finds
; an entry for every page of the Wasm memory reservation. The kernel later
; replaces these tables with its own (kernel/kvspace.ts, from the layout
; table in layout.asm).

%include "boot.inc"

global paging32_build, boot_pml4, kernel_pt_pool
extern boot32_fail, pte_nx_mask
extern _text_start, _text_end, _rodata_start, _rodata_end, _data_start
extern kernel_stack_guard, ist_stack_guard, panic_stack_guard
extern __wasm_memory_base, __wasm_memory_pages

bits 32
section .text

paging32_build:
    pushad

    ; The tables must start out empty.
    mov edi, PHYS(boot_pml4)
    mov ecx, (pagetables_end - boot_pml4) / 4
    xor eax, eax
    rep stosd

    mov dword [PHYS(boot_pml4) + 0 * 8],   PHYS(pdpt_ident) + PTE_PRESENT + PTE_WRITABLE
    mov dword [PHYS(boot_pml4) + 256 * 8], PHYS(pdpt_direct) + PTE_PRESENT + PTE_WRITABLE
    mov dword [PHYS(boot_pml4) + 511 * 8], PHYS(pdpt_kernel) + PTE_PRESENT + PTE_WRITABLE

    ; Identity map, 512 x 2 MiB, executable.
    mov dword [PHYS(pdpt_ident)], PHYS(pd_ident) + PTE_PRESENT + PTE_WRITABLE
    mov edi, PHYS(pd_ident)
    mov eax, PTE_PRESENT + PTE_WRITABLE + PTE_LARGE
    mov ecx, 512
.ident:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .ident

    ; Direct map, 4 page directories x 512 x 2 MiB, NX.
    mov edi, PHYS(pdpt_direct)
    mov eax, PHYS(pd_direct) + PTE_PRESENT + PTE_WRITABLE
    mov ecx, 4
.direct_pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .direct_pdpt
    mov edi, PHYS(pd_direct)
    mov eax, PTE_PRESENT + PTE_WRITABLE + PTE_LARGE
    mov edx, [PHYS(pte_nx_mask) + 4]
    mov ecx, 4 * 512
.direct_pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 0x200000
    add edi, 8
    loop .direct_pd

    ; Kernel window: PDPT[510] -> one page directory -> the page-table pool.
    mov dword [PHYS(pdpt_kernel) + 510 * 8], PHYS(pd_kernel) + PTE_PRESENT + PTE_WRITABLE
    mov edi, PHYS(pd_kernel)
    mov eax, PHYS(kernel_pt_pool) + PTE_PRESENT + PTE_WRITABLE
    mov ecx, KERNEL_PT_COUNT
.kernel_pd:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .kernel_pd

    ; The image, section by section.
    mov eax, PHYS(_text_start)              ; text: read + execute
    mov edx, PHYS(_text_end)
    mov ebx, PTE_PRESENT
    xor ebp, ebp
    call map_range
    mov eax, PHYS(_rodata_start)            ; rodata: read only
    mov edx, PHYS(_rodata_end)
    mov ebp, [PHYS(pte_nx_mask) + 4]
    call map_range

    ; data, bss, stacks, page tables, then as much of the Wasm memory as the
    ; module starts with: read + write, NX.
    mov ecx, [PHYS(__wasm_memory_pages)]
    cmp dword [PHYS(__wasm_memory_pages) + 4], 0
    jne .too_big
    cmp ecx, WASM_MEMORY_RESERVED_PAGES
    ja .too_big
    shl ecx, 16                             ; pages -> bytes
    mov eax, PHYS(_data_start)
    mov edx, PHYS(__wasm_memory_base)
    add edx, ecx
    mov ebx, PTE_PRESENT + PTE_WRITABLE
    call map_range

    ; Guard pages below the stacks (stacks.asm): not present.
    mov eax, PHYS(kernel_stack_guard)
    call unmap_page
    mov eax, PHYS(ist_stack_guard)
    call unmap_page
    mov eax, PHYS(panic_stack_guard)
    call unmap_page

    popad
    ret

.too_big:
    mov esi, PHYS(msg_too_big)
    jmp boot32_fail

; Map physical [eax, edx) at KERNEL_OFFSET + phys with 4 KiB pages; ebx holds
; the low flag bits, ebp the upper dword (NX). Clobbers eax, ecx, esi, edi.
map_range:
    cmp eax, edx
    jae .done
    mov ecx, eax
    shr ecx, 12
    lea edi, [PHYS(kernel_pt_pool) + ecx * 8]
    mov esi, eax
    or esi, ebx
    mov [edi], esi
    mov [edi + 4], ebp
    add eax, 4096
    jmp map_range
.done:
    ret

; Remove the kernel-window mapping of the physical page at eax.
unmap_page:
    shr eax, 12
    mov dword [PHYS(kernel_pt_pool) + eax * 8], 0
    mov dword [PHYS(kernel_pt_pool) + eax * 8 + 4], 0
    ret

section .rodata
msg_too_big: db "the kernel's initial Wasm memory is larger than the boot reservation"
             db " (WASM_MEMORY_RESERVED_PAGES in boot/boot.inc). Halting.", 0

section .pagetables nobits alloc noexec write align=4096
boot_pml4:      resb 4096
pdpt_ident:     resb 4096
pd_ident:       resb 4096
pdpt_direct:    resb 4096
pd_direct:      resb 4 * 4096
pdpt_kernel:    resb 4096
pd_kernel:      resb 4096
kernel_pt_pool: resb KERNEL_PT_COUNT * 4096
pagetables_end:
