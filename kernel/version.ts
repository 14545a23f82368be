// version.ts — the kernel's name and version, kept in this one place.
// main.ts prints them in the first line of the boot log.

export const KERNEL_NAME = "tsos";
export const KERNEL_VERSION = "0.1.0";
export const KERNEL_DESCRIPTION = "TypeScript microkernel for x86-64";
