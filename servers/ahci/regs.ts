// regs.ts — the AHCI 1.3.1 registers, bits and in-memory structures the
// driver (servers/ahci) uses, and the ATA commands it sends. One table;
// hba.ts and command.ts use the names.

// --- generic host control (offsets in ABAR, PCI BAR 5) ---
export const CAP: u32 = 0x00;      // capabilities
export const GHC: u32 = 0x04;      // global host control
export const IS: u32 = 0x08;       // interrupt status, one bit per port (write 1 to clear)
export const PI: u32 = 0x0C;       // ports implemented
export const VS: u32 = 0x10;       // version
export const CAP2: u32 = 0x24;     // capabilities extended
export const BOHC: u32 = 0x28;     // BIOS/OS handoff control and status

export const CAP_SSS: u32 = 1 << 27;   // staggered spin-up: software sets PxCMD.SUD
export const CAP_SCLO: u32 = 1 << 24;  // command list override
export const CAP_S64A: u32 = 1 << 31;  // 64-bit addressing
export const GHC_HR: u32 = 1 << 0;     // HBA reset
export const GHC_IE: u32 = 1 << 1;     // interrupt enable
export const GHC_AE: u32 = 1 << 31;    // AHCI enable
export const CAP2_BOH: u32 = 1 << 0;   // BIOS/OS handoff supported
export const BOHC_BOS: u32 = 1 << 0;   // BIOS owns
export const BOHC_OOS: u32 = 1 << 1;   // OS owns (we ask)
export const BOHC_BB: u32 = 1 << 4;    // BIOS busy (finishing commands)

// --- port registers: 0x100 + 0x80 * port + ---
export const PORT_BASE: u32 = 0x100;
export const PORT_STRIDE: u32 = 0x80;
export const PxCLB: u32 = 0x00;    // command list base (1 KiB aligned), PxCLBU 0x04
export const PxFB: u32 = 0x08;     // received FIS base (256 B aligned), PxFBU 0x0C
export const PxIS: u32 = 0x10;     // interrupt status (write 1 to clear)
export const PxIE: u32 = 0x14;     // interrupt enable
export const PxCMD: u32 = 0x18;    // command and status
export const PxTFD: u32 = 0x20;    // task file data: status (bits 0-7), error (8-15)
export const PxSIG: u32 = 0x24;    // device signature
export const PxSSTS: u32 = 0x28;   // SATA status (SStatus)
export const PxSCTL: u32 = 0x2C;   // SATA control (SControl)
export const PxSERR: u32 = 0x30;   // SATA error (write 1 to clear)
export const PxCI: u32 = 0x38;     // command issue, one bit per slot

export const CMD_ST: u32 = 1 << 0;     // start: process the command list
export const CMD_SUD: u32 = 1 << 1;    // spin-up device
export const CMD_POD: u32 = 1 << 2;    // power on device
export const CMD_CLO: u32 = 1 << 3;    // command list override (clears BSY/DRQ)
export const CMD_FRE: u32 = 1 << 4;    // FIS receive enable
export const CMD_FR: u32 = 1 << 14;    // FIS receive running
export const CMD_CR: u32 = 1 << 15;    // command list running

export const IS_DHRS: u32 = 1 << 0;    // D2H register FIS (a command finished)
export const IS_PSS: u32 = 1 << 1;     // PIO setup FIS
export const IS_TFES: u32 = 1 << 30;   // task file error (the device set ERR)
// errors that stop the port: task file, host bus fatal / data, interface fatal / non-fatal, overflow
export const IS_ERRORS: u32 = (1 << 30) | (1 << 29) | (1 << 28) | (1 << 27) | (1 << 26) | (1 << 24);
// Completion: the device's register FIS (DMA commands) or PIO setup FIS (IDENTIFY); no
// interrupt per PRD (PRD_IRQ unset): one wake-up per command.
export const IE_ENABLED: u32 = IS_ERRORS | IS_DHRS | IS_PSS;

export const TFD_ERR: u32 = 1 << 0;
export const TFD_DRQ: u32 = 1 << 3;
export const TFD_BSY: u32 = 1 << 7;
export const SSTS_DET_MASK: u32 = 0xF;
export const SSTS_DET_PHY: u32 = 3;    // device present, link up
export const SSTS_DET_SEEN: u32 = 1;   // device present, link not up yet
export const SCTL_DET_INIT: u32 = 1;   // COMRESET while set

export const SIG_ATA: u32 = 0x0000_0101;   // a SATA disk
export const SIG_ATAPI: u32 = 0xEB14_0101; // a packet device (CD, DVD)

// --- in-memory structures (one DMA page; see main.ts for the layout) ---
export const CMDHDR_BYTES: u32 = 32;   // command header: flags, PRDBC, CTBA, CTBAU, reserved
export const HDR_WRITE: u32 = 1 << 6;  // data goes to the device
export const CFIS_DWORDS: u32 = 5;     // a register H2D FIS is 20 bytes
export const CT_PRDT: u32 = 0x80;      // command table: CFIS at 0, PRDT from 0x80
export const PRD_MAX_BYTES: u32 = 4 << 20;
export const FIS_H2D: u8 = 0x27;       // register FIS, host to device
export const FIS_C: u8 = 0x80;         // "this is a command"
export const DEV_LBA: u8 = 0x40;

// --- ATA commands ---
export const ATA_IDENTIFY: u8 = 0xEC;
export const ATA_READ_DMA_EXT: u8 = 0x25;
export const ATA_WRITE_DMA_EXT: u8 = 0x35;
export const ATA_FLUSH_EXT: u8 = 0xEA;
