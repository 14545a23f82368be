// colors.ts — the console's 16 colours and how a grid cell holds them.
//
// Colour numbers are ANSI's: 0 black, 1 red, 2 green, 3 yellow, 4 blue,
// 5 magenta, 6 cyan, 7 white (light grey), 8..15 the bright ones, which
// SGR 30-37/40-47 and 90-97/100-107 select. RGB values are the VGA
// palette's, so text looks the same in text mode and on a framebuffer.
//
// A cell is a u32: the code point in bits 0-20, the foreground in 24-27,
// the background in 28-31.

export const DEFAULT_FG: u32 = 7;
export const DEFAULT_BG: u32 = 0;
export const CP_MASK: u32 = 0x1FFFFF;

@inline export function makeCell(cp: u32, fg: u32, bg: u32): u32 { return cp | (fg << 24) | (bg << 28); }
@inline export function cellCp(cell: u32): u32 { return cell & CP_MASK; }
@inline export function cellFg(cell: u32): u32 { return (cell >> 24) & 15; }
@inline export function cellBg(cell: u32): u32 { return cell >> 28; }

// 0xRRGGBB of colour i.
export function paletteRgb(i: u32): u32 {
  switch (i & 15) {
    case 0: return 0x000000; case 1: return 0xAA0000; case 2: return 0x00AA00; case 3: return 0xAA5500;
    case 4: return 0x0000AA; case 5: return 0xAA00AA; case 6: return 0x00AAAA; case 7: return 0xAAAAAA;
    case 8: return 0x555555; case 9: return 0xFF5555; case 10: return 0x55FF55; case 11: return 0xFFFF55;
    case 12: return 0x5555FF; case 13: return 0xFF55FF; case 14: return 0x55FFFF; default: return 0xFFFFFF;
  }
}

// VGA text mode numbers its colours blue-green-red (1 blue, 4 red).
export function vgaColor(i: u32): u32 {
  const lo = i & 7;
  return (i & 8) | ((lo & 1) << 2) | (lo & 2) | ((lo >> 2) & 1);
}
