// main.ts — servers/kbd: the PS/2 keyboard driver. Started by init with
// the 8042 controller's I/O ports (0x60 data, 0x64 status/command:
// manifest ioports=0x60+5), IRQ 1 bound to its notification, and the serial
// driver's endpoint (uses=serial). Each key becomes the bytes a serial
// terminal would send (keymap.ts, US layout), handed to the serial driver
// as L_INPUT: the shell reads keyboard and serial line as one input.
//
// Its notification is bound to its thread: one receive on its endpoint
// takes IRQ 1 and L_CRASH (servers/lib/crash.ts: at once).
//
// At start it makes sure the controller raises IRQ 1 for the keyboard,
// translates to scan code set 1 and has the keyboard clock on (controller
// configuration byte bits 0, 6 and 4), and drops whatever was buffered.

import { sysBindNotification, sysIoportIn, sysIoportOut, sysIrqAck, sysIrqSetNotification, sysRecv, sysWait, WaitOut } from "../lib/sys";
import { call, lastMsg } from "../lib/msg";
import { crashNow } from "../lib/crash";
import { flush, print, printDec, println } from "../lib/print";
import { L_CRASH, L_INPUT, SLOT_IOPORTS, SLOT_IRQ, SLOT_NTFN, SLOT_SELF, SLOT_USES } from "../lib/proto";
import { Keys } from "./keymap";

const DATA: u32 = 0x60, STATUS: u32 = 0x64;
const ST_OUT_FULL: i64 = 1, ST_IN_FULL: i64 = 2, ST_AUX: i64 = 0x20;
const SERIAL: u32 = SLOT_USES;
const waitOut = memory.data(offsetof<WaitOut>(), 8);
const pending = memory.data(24, 8);
let npending = 0;

@inline function status(): i64 { return sysIoportIn(SLOT_IOPORTS, STATUS, 1); }

function waitIn(): void { for (let i = 0; i < 100000 && (status() & ST_IN_FULL) != 0; i++) {} }
function waitOut8(): bool {
  for (let i = 0; i < 100000; i++) if ((status() & ST_OUT_FULL) != 0) return true;
  return false;
}

function send(): void {
  if (npending == 0) return;
  const r = call(SERIAL, L_INPUT, 4, <u64>npending, load<u64>(pending), load<u64>(pending, 8), load<u64>(pending, 16));
  if (r < 0) { print("kbd: serial driver did not take the keys (error "); printDec(<u64>(-r)); println(")"); }
  memory.fill(pending, 0, 24);
  npending = 0;
}

if (status() < 0) { println("kbd: no I/O port capability for the 8042, stopping"); flush(); unreachable(); }
// Drain, then the configuration byte: IRQ 1 on, translation on, keyboard clock on.
for (let i = 0; i < 64 && (status() & ST_OUT_FULL) != 0; i++) sysIoportIn(SLOT_IOPORTS, DATA, 1);
waitIn();
sysIoportOut(SLOT_IOPORTS, STATUS, 1, 0x20);
let cfg: i64 = -1;
if (waitOut8()) cfg = sysIoportIn(SLOT_IOPORTS, DATA, 1);
if (cfg >= 0) {
  const want = (<u32>cfg | 0x41) & ~<u32>0x10;
  if (want != <u32>cfg) {
    waitIn();
    sysIoportOut(SLOT_IOPORTS, STATUS, 1, 0x60);
    waitIn();
    sysIoportOut(SLOT_IOPORTS, DATA, 1, want);
  }
}
const bound = sysIrqSetNotification(SLOT_IRQ, SLOT_NTFN) >= 0;
const ntfnBound = sysBindNotification(SLOT_NTFN) >= 0;   // IRQs arrive where messages do
sysIrqAck(SLOT_IRQ);
print("kbd: ready (PS/2, US layout, config "); printDec(<u64>cfg); println(bound ? ", IRQ 1)" : ", no IRQ: polling)");
flush();

const keys = new Keys();
while (true) {
  if (bound && ntfnBound) {
    // IRQ 1, or a message: L_CRASH faults at once (no client waits on the keyboard driver).
    sysRecv(SLOT_SELF, changetype<usize>(lastMsg()));
    if (lastMsg().label == L_CRASH) crashNow(lastMsg().w0);
  } else if (bound) sysWait(SLOT_NTFN, waitOut);
  for (let i = 0; i < 32; i++) {
    const st = status();
    if (st < 0 || (st & ST_OUT_FULL) == 0) break;
    const b = <u32>sysIoportIn(SLOT_IOPORTS, DATA, 1);
    if ((st & ST_AUX) != 0) continue;          // a mouse byte
    const n = keys.feed(b);
    if (npending + n > 24) send();
    for (let k = 0; k < n; k++) store<u8>(pending + <usize>(npending++), unchecked(keys.out[k]));
  }
  if (bound) sysIrqAck(SLOT_IRQ);
  send();
}
