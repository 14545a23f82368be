// screen.test.ts - the machine used from its keyboard and screen alone
// (issue 7): build/system.iso booted with -vga std and no display. Keys are
// typed with the QEMU monitor's `sendkey` (the PS/2 keyboard: servers/kbd,
// into the serial driver's input), the screen is read two ways:
//   - the console server's grid dump on QEMU's debug console (port 0xE9,
//     lines between "<<<screen" and ">>>screen"; servers/console/main.ts);
//   - the real pixels: the monitor's `screendump` (PPM) read back as text by
//     matching every 8x16 cell against the console font
//     (build/console/font8x16.bin), or, in VGA text mode
//     (build/system-text.iso, gfxpayload=text), `pmemsave` of 0xB8000;
// and both must agree. `reboot` and `poweroff` typed on the keyboard must
// restart the machine (a second boot, with -action reboot=reset) and end
// QEMU (ACPI S5), with BIOS and UEFI.

import { connect } from 'node:net';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { BOOT_MATRIX, BootConfig, DEFAULT_TIMEOUT_MS, Qemu, REPO, buildPath, check, configName, expectInLog } from './qemu';

const PROMPT_MS = DEFAULT_TIMEOUT_MS + 30_000;
let serial = 0;

// One HMP command on the monitor socket; resolves with what the monitor answered.
function monitor(socket: string, commands: string[], gapMs = 60): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(socket);
    let out = '';
    c.on('error', reject);
    c.on('data', (d) => { out += d.toString('latin1'); });
    c.once('data', async () => {
      for (const cmd of commands) {
        c.write(`${cmd}\n`);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      setTimeout(() => { c.end(); resolve(out); }, 400);
    });
  });
}

// sendkey names for the characters the tests type.
function keys(text: string): string[] {
  const names: Record<string, string> = { ' ': 'spc', '-': 'minus', '\n': 'ret', '!': 'shift-1', '.': 'dot', '/': 'slash', '=': 'equal' };
  return [...text].map((ch) => {
    if (names[ch]) return `sendkey ${names[ch]}`;
    if (/[A-Z]/.test(ch)) return `sendkey shift-${ch.toLowerCase()}`;
    if (/[a-z0-9]/.test(ch)) return `sendkey ${ch}`;
    throw new Error(`no key for ${JSON.stringify(ch)}`);
  });
}

interface Machine { qemu: Qemu; socket: string; debugcon: string; }

function start(iso: string, config: BootConfig, extra: string[] = []): Machine {
  const id = `${process.pid}-${serial++}`;
  const socket = path.join(tmpdir(), `tsos-screen-${id}.sock`);
  const debugcon = path.join(tmpdir(), `tsos-screen-${id}.dbg`);
  rmSync(debugcon, { force: true });
  const qemu = new Qemu({
    iso: buildPath(iso), config,
    extraArgs: ['-vga', 'std', '-monitor', `unix:${socket},server=on,wait=off`, '-debugcon', `file:${debugcon}`, ...extra],
  });
  return { qemu, socket, debugcon };
}

// The newest complete grid dump on the debug console (lines, and the end line).
function lastDump(m: Machine): { lines: string[]; end: string } | null {
  if (!existsSync(m.debugcon)) return null;
  const text = readFileSync(m.debugcon, 'utf8');
  const end = text.lastIndexOf('>>>screen');
  if (end < 0) return null;
  const begin = text.lastIndexOf('<<<screen\n', end);
  if (begin < 0) return null;
  const endLine = text.slice(end, text.indexOf('\n', end) < 0 ? undefined : text.indexOf('\n', end));
  return { lines: text.slice(begin + 10, end).split('\n').slice(0, -1), end: endLine };
}

async function waitDump(m: Machine, ok: (lines: string[]) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = lastDump(m);
    if (d && ok(d.lines)) return d.lines;
    if (Date.now() > until) {
      throw new Error(`no screen dump with ${what} after ${timeoutMs / 1000} s; last dump:\n${d ? d.lines.join('\n') : '(none)'}\n--- serial ---\n${m.qemu.log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

// --- reading text back from pixels -------------------------------------------------
interface Font { width: number; height: number; byBitmap: Map<string, number>; }

function loadFont(): Font {
  const b = readFileSync(path.join(REPO, 'build/console/font8x16.bin'));
  const width = b[4], height = b[5], ranges = b.readUInt16LE(6);
  const glyphs = 12 + ranges * 8;
  const byBitmap = new Map<string, number>();
  for (let r = 0; r < ranges; r++) {
    const first = b.readUInt32LE(12 + r * 8), count = b.readUInt16LE(16 + r * 8), g0 = b.readUInt16LE(18 + r * 8);
    for (let i = 0; i < count; i++) {
      const key = b.subarray(glyphs + (g0 + i) * height, glyphs + (g0 + i + 1) * height).toString('hex');
      const cp = first + i;
      if (!byBitmap.has(key) || cp < 0x80) byBitmap.set(key, cp);   // ASCII wins among look-alikes
    }
  }
  return { width, height, byBitmap };
}

function parsePpm(file: string): { w: number; h: number; px: Buffer } {
  const b = readFileSync(file);
  const head = b.subarray(0, 64).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!head) throw new Error(`${file}: not a binary PPM`);
  return { w: Number(head[1]), h: Number(head[2]), px: b.subarray(head[0].length) };
}

// The screen as text: each cell's pixels that differ from its top-left
// pixel (the background; inverted for the cursor) form a glyph bitmap.
function ocr(file: string, font: Font): string[] {
  const { w, h, px } = parsePpm(file);
  const cols = Math.floor(w / font.width), rows = Math.floor(h / font.height);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const at = (x: number, y: number) => {
        const o = ((r * font.height + y) * w + c * font.width + x) * 3;
        return (px[o] << 16) | (px[o + 1] << 8) | px[o + 2];
      };
      const bg = at(0, 0);
      const bytes = Buffer.alloc(font.height);
      for (let y = 0; y < font.height; y++) {
        let bits = 0;
        for (let x = 0; x < font.width; x++) if (at(x, y) !== bg) bits |= 0x80 >> x;
        bytes[y] = bits;
      }
      const cp = font.byBitmap.get(bytes.toString('hex'));
      line += cp === undefined ? '\u{FFFD}' : String.fromCodePoint(cp);
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

// Type once the boot is over (servers/flaky's crash loop ends with "giving
// up"), so that the echo of the keys is not interleaved with log lines.
async function typeCommand(m: Machine, text: string): Promise<void> {
  await m.qemu.waitFor(/^init: flaky: crash loop .* giving up$/m, 30_000);
  await monitor(m.socket, keys(text));
}

describe('screen console and keyboard', () => {
  test.concurrent.each(BOOT_MATRIX.map((c) => [configName(c), c] as const))(
    'framebuffer console, %s: boot log and typed commands on the screen, pixels = grid', { timeout: PROMPT_MS + 60_000 },
    async (_name, config) => {
      const m = start('system.iso', config);
      try {
        await m.qemu.waitFor(/^shell: first prompt/m, PROMPT_MS);
        await m.qemu.waitFor(/console: 128x48 on a framebuffer 1024x768x32/, 10_000);
        await m.qemu.waitFor(/^kbd: ready/m, 10_000);
        await typeCommand(m, 'echo Screen-Test 42!\n');
        await m.qemu.waitFor(/^Screen-Test 42!$/m, 20_000);   // the shell ran it: the keys arrived
        const lines = await waitDump(m, (l) => l.some((x) => x === 'Screen-Test 42!') && l.some((x) => x.endsWith('echo Screen-Test 42!')), 'the typed command and its output');
        expect(lines.length).toBe(48);
        // Everything the serial console showed at the end is on the screen, in order: its last lines.
        const serialTail = m.qemu.log.split('\n').map((l) => l.trimEnd()).filter((l) => l.length > 0).slice(-6);
        const screen = lines.filter((l) => l.length > 0);
        const tail = screen.slice(-serialTail.length);
        expect(tail.map((l) => l.replace(/^tsos> $/, 'tsos>'))).toEqual(serialTail.map((l) => l.replace(/^tsos> $/, 'tsos>')));
        // The pixels say the same as the grid.
        const ppm = `${m.debugcon}.ppm`;
        await monitor(m.socket, [`screendump ${ppm}`]);
        for (let i = 0; i < 20 && !existsSync(ppm); i++) await new Promise((r) => setTimeout(r, 100));
        const d = lastDump(m)!;
        const seen = ocr(ppm, loadFont());
        // The cursor cell (inverted) reads as the same glyph; compare all rows.
        if (!same(seen, d.lines)) {
          throw new Error(`screendump text differs from the grid dump\n--- screendump ---\n${seen.join('\n')}\n--- grid ---\n${d.lines.join('\n')}`);
        }
        rmSync(ppm, { force: true });
      } finally {
        await m.qemu.stop();
        rmSync(m.debugcon, { force: true });
      }
    },
  );

  test('VGA text mode (gfxpayload=text), BIOS CD: 80x25, typed command, VGA memory = grid', { timeout: PROMPT_MS + 60_000 }, async () => {
    const m = start('system-text.iso', BOOT_MATRIX[0]);
    try {
      await m.qemu.waitFor(/^shell: first prompt/m, PROMPT_MS);
      await m.qemu.waitFor(/console: 80x25 in VGA text mode 80x25x16/, 10_000);
      await m.qemu.waitFor(/^kbd: ready/m, 10_000);
      await typeCommand(m, 'echo text-mode ok\n');
      await m.qemu.waitFor(/^text-mode ok$/m, 20_000);
      const lines = await waitDump(m, (l) => l.includes('text-mode ok'), 'the output of the typed command');
      expect(lines.length).toBe(25);
      const mem = `${m.debugcon}.vga`;
      await monitor(m.socket, [`pmemsave 0xb8000 4000 "${mem}"`]);
      for (let i = 0; i < 20 && !existsSync(mem); i++) await new Promise((r) => setTimeout(r, 100));
      const vga = readFileSync(mem);
      const d = lastDump(m)!;
      const rows: string[] = [];
      for (let r = 0; r < 25; r++) {
        let s = '';
        for (let c = 0; c < 80; c++) { const ch = vga[(r * 80 + c) * 2]; s += ch >= 0x20 && ch < 0x7f ? String.fromCharCode(ch) : '?'; }
        rows.push(s.trimEnd());
      }
      if (!same(rows, d.lines)) throw new Error(`VGA memory differs from the grid dump\n--- VGA ---\n${rows.join('\n')}\n--- grid ---\n${d.lines.join('\n')}`);
      rmSync(mem, { force: true });
    } finally {
      await m.qemu.stop();
      rmSync(m.debugcon, { force: true });
    }
  });

  test.concurrent.each([BOOT_MATRIX[0], BOOT_MATRIX[2]].map((c) => [configName(c), c] as const))(
    'poweroff typed on the keyboard switches the machine off (ACPI S5), %s', { timeout: PROMPT_MS + 60_000 },
    async (_name, config) => {
      const m = start('system.iso', config);
      try {
        await m.qemu.waitFor(/^kbd: ready/m, PROMPT_MS);
        await m.qemu.waitFor(/^shell: first prompt/m, PROMPT_MS);
        await typeCommand(m, 'poweroff\n');
        const code = await m.qemu.waitForExit(30_000);
        const run = m.qemu.result();
        check(run, !run.killed && code === 0, `QEMU should end by itself with status 0, got ${code}`);
        expectInLog(run, /^power: ACPI S5 \(SLP_TYP \d+\/\d+, PM1a_CNT 0x[0-9a-f]+/m, 'the S5 line');
        check(run, !/power: still on/.test(run.log), 'still on after S5');
      } finally {
        await m.qemu.stop();
        rmSync(m.debugcon, { force: true });
      }
    },
  );

  test.concurrent.each([BOOT_MATRIX[0], BOOT_MATRIX[2]].map((c) => [configName(c), c] as const))(
    'reboot typed on the keyboard restarts the machine (ACPI reset register), %s', { timeout: 2 * PROMPT_MS + 60_000 },
    async (_name, config) => {
      // -action reboot=reset (after qemu-args.sh's -no-reboot): a reset boots again.
      const m = start('system.iso', config, ['-action', 'reboot=reset']);
      try {
        await m.qemu.waitFor(/^kbd: ready/m, PROMPT_MS);
        await m.qemu.waitFor(/^shell: first prompt/m, PROMPT_MS);
        await typeCommand(m, 'reboot\n');
        await m.qemu.waitFor(/^power: ACPI reset register/m, 20_000);
        await m.qemu.waitFor(/^boot complete$[^]*^boot complete$/m, PROMPT_MS);
        const run = m.qemu.result();
        check(run, !/power: keyboard controller reset/.test(run.log), 'the ACPI reset register did not reset');
      } finally {
        await m.qemu.stop();
        rmSync(m.debugcon, { force: true });
      }
    },
  );
});
