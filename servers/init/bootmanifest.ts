// bootmanifest.ts — the boot manifest init starts the system from (format:
// servers/init/manifest.ts). Embedded in init's image; the modules it
// names are GRUB boot modules of the system ISO (Makefile SYSTEM_SERVERS).
// init itself also starts servers/ticker, its clock, before these.

export const BOOT_MANIFEST = `# tsos boot manifest: one server per line, started in this order
# name   key=value ...
serial   prio=200 ioports=0x3f8+8 irq=4 restart=always backoff=20..2000 watchdog=200
shell    prio=100 uses=serial grant=control,power,trace restart=always backoff=50..2000 watchdog=2000
bulksink prio=100 restart=always backoff=50..2000   # the receiver of the shell's bench transfers (servers/lib/bulk.ts)
# storage (issue 6): the PCI bus server hands drivers their devices' ports, memory and IRQs.
# Every block driver starts; one that finds no device idles (answers "no device", never
# exits, so it is not restarted). fs uses the first driver of its uses= list that found a disk.
pci       prio=180 ioports=0x0+0xffff irq=any devmem=0x80000000+0x7ec00 restart=always backoff=20..2000 watchdog=500
virtioblk prio=170 uses=pci restart=always backoff=20..2000 watchdog=500
ahci      prio=170 uses=pci restart=always backoff=20..2000
fs        prio=160 uses=virtioblk,ahci restart=always backoff=20..2000 watchdog=1000
# the screen (issue 7): what the serial console shows, on the framebuffer or VGA text; 0xe9: grid dump for tests
console  prio=90 grant=framebuffer ioports=0xe9+1 restart=on-crash backoff=50..2000 watchdog=2000
kbd      prio=190 ioports=0x60+5 irq=1 uses=serial restart=always backoff=20..2000 watchdog=500
# faults at start: shows the crash-loop policy (6 crashes within 5 s: give up)
flaky    prio=50 restart=on-crash backoff=10..400 crashloop=6/5000
# the fault-injection campaign (issue 8; servers/faultload): runs only with faultload=on on the
# kernel command line (build/faults.iso), else exits at once and stays down
faultload prio=40 grant=control uses=serial,pci,virtioblk,fs restart=on-crash
`;
