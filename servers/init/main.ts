// main.ts — servers/init: the first process (the only one the kernel
// starts when a boot module is named "init"), in the spirit of MINIX 3's
// reincarnation server and Hubris' supervisor. It
//   1. creates its endpoint (faults, ticks and control requests all arrive
//      there, told apart by badge) and an I/O port capability for itself;
//   2. parses the boot manifest (bootmanifest.ts, format manifest.ts) and
//      reports bad lines;
//   3. starts servers/ticker, its clock (a tick every 50 ms);
//   4. starts every server of the manifest: a process from its boot module
//      (proc_spawn, faults to init's endpoint with the server's badge), its
//      capabilities in the slots of servers/lib/proto.ts, its own endpoint
//      (kept by init across restarts, so clients keep their capability and
//      calls queue until the new instance receives);
//   5. supervises: a fault or exit message -> the process is freed and the
//      restart policy (policy.ts) says when it comes back; each tick runs
//      the policy's timers (backoff over: restart; watchdog: a server seen
//      running, never waiting, for 3 periods is hung: killed, restarted);
//      every event is one "init: ..." line on the console;
//   6. answers the control interface (proto.ts L_PS, L_KILL, L_RESTART,
//      L_CRASH_SERVER, L_REBOOT, L_POWEROFF, L_TRACE, L_LOOKUP, L_NOP), checking the caller's
//      grant= rights.
// Names: each start registers the server's name with a new generation
// (servers/names/registry.ts; `ps` shows it as the instance number); a
// death makes it dark until the next start. L_LOOKUP answers a live name
// with the server's endpoint capability and the generation.

import {
  sysClockMs, sysIoportOut, sysNbSend, sysObjCreate, sysProcGive, sysProcInfo, sysProcKill, sysProcSpawn, sysProcStart,
  sysRecv, sysReplyRecv, sysIpcTrace, sysCapDelete, sysCapMint, FAULT_EXIT, LABEL_FAULT,
  sysFbInfo, sysDevmemCreate, sysPower, POWER_OFF, POWER_RESET,
} from "../lib/sys";
import { fbFirstPage, fbPages, FB_INFO_BYTES } from "../lib/fbinfo";
import { lastMsg, msgInfo, replyRecv, setSendCap } from "../lib/msg";
import { flush, print, printBytes, printDec, printHex, println } from "../lib/print";
import { OutBuf } from "../lib/outbuf";
import {
  E_BUSY, E_DOWN, E_NO_SERVER, E_NOT_ALLOWED, E_OK, L_CRASH, L_CRASH_SERVER, L_KILL, L_NOP, L_POWEROFF, L_PS, L_REBOOT,
  L_RESTART, L_TICK, L_TRACE, L_LOOKUP, SLOT_DEVMEM, SLOT_FB, SLOT_INIT, unpackName, SLOT_IOPORTS, SLOT_IRQ, SLOT_NTFN, SLOT_SELF, SLOT_USES,
} from "../lib/proto";
import { BOOT_MANIFEST } from "./bootmanifest";
import { GRANT_CONTROL, GRANT_FRAMEBUFFER, GRANT_POWER, GRANT_TRACE, Manifest, parseManifest, ServerSpec } from "./manifest";
import {
  ACT_KILL_HUNG, ACT_PING, ACT_START, DO_GIVE_UP, DO_RESTART, EXIT_CLEAN, EXIT_CRASH, EXIT_HUNG, EXIT_KILLED,
  ST_RUNNING, Supervision,
} from "./policy";
import { Registry } from "../names/registry";

// init's own CNode
const EP: u32 = 5;               // its endpoint
const PORTS: u32 = 6;            // every I/O port (reboot, power off)
const TICKER: u32 = 8;           // the ticker's thread capability
const TICKER_NTFN: u32 = 9;
const SERVER_BASE: u32 = 16;     // per server i: 16 + 4i thread, +1 endpoint, +2 IRQ, +3 notification
const PORTS_BASE: u32 = 96;      // per server i: its I/O port range
const LOOKUP_SCRATCH: u32 = 127; // the capability a lookup answer carries
const DEVMEM: u32 = 113;         // devmem= device memory (one server: the PCI server)
let devmemMade = false;
const FB_MEM: u32 = 112;         // the framebuffer's device memory (grant=framebuffer servers get a copy)
let fbMade = false;

const OBJ_ENDPOINT: u32 = 3, OBJ_NOTIFICATION: u32 = 4, OBJ_IRQ_HANDLER: u32 = 7, OBJ_IO_PORTS: u32 = 8;
const RIGHTS_ALL: u32 = 31;
const TS_RUNNABLE: u64 = 1;
const FAULT_WASM_TRAP: u64 = 256;   // fault kind of a Wasm trap: + trap code (kernel/fault.ts)

// badges on init's endpoint
const BADGE_FAULT: u64 = 1 << 40;
const BADGE_CLIENT: u64 = 1 << 41;
const BADGE_TICKER: u64 = 1 << 42;
const BADGE_INDEX: u64 = 0xFFFF;

@inline function threadSlot(i: i32): u32 { return SERVER_BASE + 4 * <u32>i; }
@inline function epSlot(i: i32): u32 { return threadSlot(i) + 1; }
@inline function irqSlot(i: i32): u32 { return threadSlot(i) + 2; }
@inline function ntfnSlot(i: i32): u32 { return threadSlot(i) + 3; }

let man: Manifest = new Manifest();
let sups: Supervision[] = [];
const names = new Registry(16);
const nameBuf = memory.data(64);
let nameLen: i32 = 0;
const tids = new StaticArray<i64>(16);
const instance = new StaticArray<u32>(16);
const lastCalls = new StaticArray<u32>(16);   // proc_info's system-call count at the last watchdog ping

function now(): i64 { return sysClockMs(); }

function logName(i: i32): void { print("init: "); print(man.servers[i].name); }

// The module name of server i into nameBuf.
function moduleName(s: ServerSpec): void {
  nameLen = s.module.length;
  for (let k = 0; k < nameLen; k++) store<u8>(nameBuf + <usize>k, <u8>s.module.charCodeAt(k));
}

function spawnFailed(what: string, e: i64): bool {
  print("init: "); print(what); print(" failed: error "); printDec(<u64>(-e)); println();
  return false;
}

// Start (a new instance of) server i.
function start(i: i32): bool {
  const s = man.servers[i];
  moduleName(s);
  const t = sysProcSpawn(nameBuf, <usize>nameLen, <u32>s.prio, threadSlot(i), EP, BADGE_FAULT | <u64>i);
  if (t < 0) return spawnFailed("spawning " + s.name, t);
  let e = sysProcGive(threadSlot(i), EP, SLOT_INIT, RIGHTS_ALL, BADGE_CLIENT | <u64>i);
  if (e == 0) e = sysProcGive(threadSlot(i), epSlot(i), SLOT_SELF, RIGHTS_ALL, 0);
  if (e == 0) e = sysProcGive(threadSlot(i), ntfnSlot(i), SLOT_NTFN, RIGHTS_ALL, 0);
  if (e == 0 && s.irq >= 0) e = sysProcGive(threadSlot(i), irqSlot(i), SLOT_IRQ, RIGHTS_ALL, 0);
  if (e == 0 && s.ioCount > 0) e = sysProcGive(threadSlot(i), PORTS_BASE + <u32>i, SLOT_IOPORTS, RIGHTS_ALL, 0);
  if (e == 0 && s.devmemPages > 0 && devmemMade) e = sysProcGive(threadSlot(i), DEVMEM, SLOT_DEVMEM, RIGHTS_ALL, 0);
  if (e == 0 && (s.grants & GRANT_FRAMEBUFFER) != 0 && fbMade) e = sysProcGive(threadSlot(i), FB_MEM, SLOT_FB, RIGHTS_ALL, 0);
  for (let k = 0; e == 0 && k < s.uses.length; k++) {
    e = sysProcGive(threadSlot(i), epSlot(s.uses[k]), SLOT_USES + <u32>k, RIGHTS_ALL, <u64>(i + 1));
  }
  if (e == 0) e = sysProcStart(threadSlot(i));
  if (e != 0) {
    sysProcKill(threadSlot(i));
    return spawnFailed("setting up " + s.name, e);
  }
  tids[i] = t;
  lastCalls[i] = 0;
  const n = now();
  sups[i].started(n);
  moduleName(s);
  instance[i] = <u32>names.register(nameBuf, nameLen, i, <u64>epSlot(i));
  logName(i); print(": started (instance "); printDec(instance[i]); print(", prio "); printDec(<u64>s.prio);
  print(", thread "); printDec(<u64>t); println(")");
  return true;
}

// Free server i's process (it is stopped or running).
function kill(i: i32): void {
  sysProcKill(threadSlot(i));
  names.ownerGone(i);
  tids[i] = -1;
}

// After server i ended (`how`): what the policy says, logged.
function ended(i: i32, how: i32): void {
  const sup = sups[i];
  const d = sup.exited(now(), how);
  logName(i);
  if (d == DO_GIVE_UP) {
    print(": crash loop ("); printDec(<u64>sup.spec.loopCount); print(" crashes within ");
    printDec(<u64>sup.spec.loopWindow); println(" ms), giving up");
  } else if (d == DO_RESTART) {
    print(": restarting in "); printDec(<u64>sup.delay); print(" ms (restart "); printDec(<u64>(sup.restarts + 1));
    println(")");
  } else {
    println(": stays down (restart policy)");
  }
}

// Wasm trap codes, as toolchain/src/traps.ts numbers them.
const TRAP_NAMES: StaticArray<string> = [
  "?", "unreachable", "integer divide by zero", "integer overflow", "invalid conversion to integer",
  "out of bounds memory access", "undefined element", "uninitialized element", "indirect call type mismatch",
  "call stack exhausted", "out of bounds table access", "unimplemented intrinsic",
];

function faultText(kind: u64): string {
  if (kind >= FAULT_EXIT) return "exited";
  if (kind >= FAULT_WASM_TRAP) return "wasm trap";
  if (kind == 14) return "page fault";
  if (kind == 0) return "divide error";
  if (kind == 13) return "general protection fault";
  if (kind == 6) return "invalid opcode";
  return "exception";
}

function onFault(i: i32): void {
  const m = lastMsg();
  const kind = m.w0;
  kill(i);
  logName(i);
  if (kind >= FAULT_EXIT) {
    print(": exited with status "); printDec(kind - FAULT_EXIT); println();
    ended(i, kind == FAULT_EXIT ? EXIT_CLEAN : EXIT_CRASH);
    return;
  }
  print(": crashed: "); print(faultText(kind));
  if (kind >= FAULT_WASM_TRAP) {
    const code = <i32>(kind - FAULT_WASM_TRAP);
    print(" ("); print(code < TRAP_NAMES.length ? TRAP_NAMES[code] : "unknown"); print(")");
  }
  else { print(" (vector "); printDec(kind); print(")"); }
  print(" at rip "); printHex(m.w3);
  if (kind == 14) { print(", address "); printHex(m.w2); }
  println();
  ended(i, EXIT_CRASH);
}

// A watched server above server i (in priority) that looks hung too
// (runnable, no system call since its last ping), or -1. i may just be
// starved by it: that one goes first (found by the fault-injection
// campaign: kbd spinning at 190 got virtioblk, 170, killed before it).
function starvedBy(i: i32): i32 {
  for (let j = 0; j < man.servers.length; j++) {
    if (j == i || sups[j].state != ST_RUNNING || man.servers[j].watchdog <= 0 || man.servers[j].prio <= man.servers[i].prio) continue;
    const info = sysProcInfo(threadSlot(j));
    if (info >= 0 && (<u64>info & 0xFF) == TS_RUNNABLE && <u32>(<u64>info >> 32) == lastCalls[j]) return j;
  }
  return -1;
}

function onTick(): void {
  const n = now();
  for (let i = 0; i < man.servers.length; i++) {
    const sup = sups[i];
    const a = sup.poll(n);
    if (a == ACT_START) {
      if (!start(i)) ended(i, EXIT_CRASH);
    } else if (a == ACT_PING) {
      // Alive = seen waiting (blocked in a receive, a call or a wait), or
      // it made system calls since the last ping (proc_info's count): not
      // spinning. Runnable alone proves nothing: these samples come on
      // timer ticks, just when a server's own timer has woken it (the
      // console's poll; found by the fault-injection campaign).
      const info = sysProcInfo(threadSlot(i));
      const calls = <u32>(<u64>info >> 32);
      if (info >= 0 && ((<u64>info & 0xFF) != TS_RUNNABLE || calls != lastCalls[i])) sup.alive(n);
      if (info >= 0) lastCalls[i] = calls;
    } else if (a == ACT_KILL_HUNG) {
      if (starvedBy(i) >= 0) { sup.alive(n); continue; }
      logName(i); print(": hung (running without waiting for "); printDec(<u64>(n - sup.lastAlive)); println(" ms), killing it");
      kill(i);
      ended(i, EXIT_HUNG);
    }
  }
}

// The server whose name is in w0, w1 (-1: none).
function findServer(w0: u64, w1: u64): i32 {
  store<u64>(nameBuf, w0);
  store<u64>(nameBuf + 8, w1);
  let n = 0;
  while (n < 16 && load<u8>(nameBuf + <usize>n) != 0) n++;
  for (let i = 0; i < man.servers.length; i++) {
    const s = man.servers[i].name;
    if (s.length != n) continue;
    let same = true;
    for (let k = 0; k < n; k++) if (<u32>s.charCodeAt(k) != <u32>load<u8>(nameBuf + <usize>k)) same = false;
    if (same) return i;
  }
  return -1;
}

function nameWord(s: string, from: i32): u64 {
  let w: u64 = 0;
  for (let k = 7; k >= 0; k--) {
    const c = from + k < s.length ? <u64>s.charCodeAt(from + k) & 0xFF : 0;
    w = (w << 8) | c;
  }
  return w;
}

// A control request from server `from`; the reply (label, 4 words) goes
// out with the next receive.
let rLabel: u64 = 0, r0: u64 = 0, r1: u64 = 0, r2: u64 = 0, r3: u64 = 0, rCaps: u64 = 0;

function onRequest(from: i32): void {
  const m = lastMsg();
  const label = m.label;
  const grants = from >= 0 && from < man.servers.length ? man.servers[from].grants : 0;
  rLabel = E_OK; r0 = 0; r1 = 0; r2 = 0; r3 = 0; rCaps = 0;
  if (label == L_NOP) return;
  if (label == L_PS) {
    const i = <i32>m.w0;
    if (i < 0 || i >= man.servers.length) { rLabel = E_NO_SERVER; return; }
    const sup = sups[i];
    let state = <u64>sup.state;
    if (sup.state == ST_RUNNING) {
      const info = sysProcInfo(threadSlot(i));
      if (info >= 0) state = 16 + (<u64>info & 0xFF);   // 16 + the kernel's thread state
    }
    r0 = state | (<u64>sup.spec.prio << 8) | (<u64>sup.restarts << 16) | (<u64>instance[i] << 32);
    r1 = nameWord(sup.spec.name, 0);
    r2 = nameWord(sup.spec.name, 8);
    r3 = <u64>sup.crashes | (<u64>(tids[i] & 0xFFFFFFFF) << 32);
    return;
  }
  if (label == L_REBOOT || label == L_POWEROFF) {
    if ((grants & GRANT_POWER) == 0) { rLabel = E_NOT_ALLOWED; return; }
    flush();
    if (label == L_REBOOT) {
      println("init: reboot");
      flush();
      sysPower(<u32>POWER_RESET);                     // ACPI reset register, 8042, 0xCF9 (kernel/power.ts)
      sysIoportOut(PORTS, 0x64, 1, 0xFE);             // the keyboard controller's reset line
    } else {
      println("init: power off");
      flush();
      sysPower(<u32>POWER_OFF);                       // ACPI S5 from the FADT and the DSDT's \_S5_ (kernel/power.ts)
      sysIoportOut(PORTS, 0x604, 2, 0x2000);          // QEMU q35 ACPI PM1a control: S5
      sysIoportOut(PORTS, 0xB004, 2, 0x2000);         // QEMU pc (PIIX4)
      sysIoportOut(PORTS, 0x4004, 2, 0x3400);         // VirtualBox
    }
    rLabel = E_BUSY;                                  // still here: not supported
    return;
  }
  if (label == L_LOOKUP) {
    // The name registry: a live name -> its server's endpoint, minted with
    // the caller's badge, sent with the reply; w0 = the name's generation.
    const n = unpackName(m.w0, m.w1, nameBuf);
    const k = names.lookup(nameBuf, n);
    if (k < 0) { rLabel = findServer(m.w0, m.w1) < 0 ? E_NO_SERVER : E_DOWN; return; }
    sysCapDelete(LOOKUP_SCRATCH);
    if (sysCapMint(<u32>names.handle(k), LOOKUP_SCRATCH, RIGHTS_ALL, <u64>(from + 1)) < 0) { rLabel = E_BUSY; return; }
    setSendCap(LOOKUP_SCRATCH);
    rCaps = 1;
    r0 = <u64>names.generation(k);
    return;
  }
  if (label == L_TRACE) {
    if ((grants & GRANT_TRACE) == 0) { rLabel = E_NOT_ALLOWED; return; }
    const t = sysIpcTrace(<u32>m.w0);
    if (t < 0) { rLabel = E_BUSY; print("init: ipc_trace failed: error "); printDec(<u64>(-t)); print(" mode "); printDec(m.w0); println(); }
    return;
  }
  if (label != L_KILL && label != L_RESTART && label != L_CRASH_SERVER) { rLabel = E_NOT_ALLOWED; return; }
  if ((grants & GRANT_CONTROL) == 0) { rLabel = E_NOT_ALLOWED; return; }
  const i = findServer(m.w0, m.w1);
  if (i < 0) { rLabel = E_NO_SERVER; return; }
  const sup = sups[i];
  if (label == L_CRASH_SERVER) {
    if (sup.state != ST_RUNNING) { rLabel = E_DOWN; return; }
    // Sent without blocking: only a server waiting for messages takes it.
    if (sysNbSend(epSlot(i), msgInfo(L_CRASH, 1), m.w2, 0, 0, 0) < 0) rLabel = E_BUSY;
    else { logName(i); print(": asked to crash (kind "); printDec(m.w2); println(")"); }
    return;
  }
  if (label == L_KILL) {
    if (sup.state != ST_RUNNING) { rLabel = E_DOWN; return; }
    logName(i); println(": killed on request");
    kill(i);
    ended(i, EXIT_KILLED);
    return;
  }
  // L_RESTART
  logName(i); println(": restart on request");
  if (sup.state == ST_RUNNING) kill(i);
  sup.restartNow(now());
  if (!start(i)) ended(i, EXIT_CRASH);
}

// --- boot ---
println("init: starting");
let e = sysObjCreate(OBJ_ENDPOINT, EP, 0);
if (e == 0) e = sysObjCreate(OBJ_IO_PORTS, PORTS, <u64>0xFFFF << 16);
if (e != 0) { print("init: cannot create my endpoint: error "); printDec(<u64>(-e)); println(); flush(); unreachable(); }

const errs = new OutBuf(2048);
const text = String.UTF8.encode(BOOT_MANIFEST);
man = parseManifest(changetype<usize>(text), text.byteLength, errs);
if (errs.len > 0) printBytes(errs.buf, <usize>errs.len);
print("init: manifest: "); printDec(<u64>man.servers.length); print(" servers");
if (man.errors > 0) { print(", "); printDec(<u64>man.errors); print(" bad lines skipped"); }
println();

// The clock.
e = sysObjCreate(OBJ_NOTIFICATION, TICKER_NTFN, 0);
const tickerName = String.UTF8.encode("ticker");
let tt = e == 0 ? sysProcSpawn(changetype<usize>(tickerName), tickerName.byteLength, 249, TICKER, EP, BADGE_FAULT | BADGE_INDEX) : e;
if (tt >= 0) {
  e = sysProcGive(TICKER, EP, SLOT_INIT, RIGHTS_ALL, BADGE_TICKER);
  if (e == 0) e = sysProcGive(TICKER, TICKER_NTFN, SLOT_NTFN, RIGHTS_ALL, 0);
  if (e == 0) e = sysProcStart(TICKER);
  if (e != 0) tt = e;
}
if (tt < 0) { print("init: no ticker (error "); printDec(<u64>(-tt)); println("): no restarts after backoff, no watchdog"); }

// The framebuffer's device memory, for exactly its pages, when a server
// is granted it (the console server).
let wantFb = false;
for (let i = 0; i < man.servers.length; i++) if ((man.servers[i].grants & GRANT_FRAMEBUFFER) != 0) wantFb = true;
if (wantFb) {
  const fbi = memory.data(FB_INFO_BYTES, 8);
  let r = sysFbInfo(fbi);
  if (r == 0) r = sysDevmemCreate(FB_MEM, fbFirstPage(fbi), fbPages(fbi));
  if (r == 0) fbMade = true;
  else { print("init: no framebuffer capability (error "); printDec(<u64>(-r)); println(")"); }
}

// Objects of every server, then the servers in manifest order.
for (let i = 0; i < man.servers.length; i++) {
  const s = man.servers[i];
  sups.push(new Supervision(s));
  tids[i] = -1;
  let r = sysObjCreate(OBJ_ENDPOINT, epSlot(i), 0);
  if (r == 0) r = sysObjCreate(OBJ_NOTIFICATION, ntfnSlot(i), 0);
  if (r == 0 && s.irq >= 0) r = sysObjCreate(OBJ_IRQ_HANDLER, irqSlot(i), <u64>s.irq);
  if (r == 0 && s.ioCount > 0) r = sysObjCreate(OBJ_IO_PORTS, PORTS_BASE + <u32>i, <u64>s.ioBase | (<u64>s.ioCount << 16));
  if (r == 0 && s.devmemPages > 0 && !devmemMade) { r = sysDevmemCreate(DEVMEM, <u64>s.devmemBase, <u64>s.devmemPages); devmemMade = r == 0; }
  if (r != 0) { print("init: objects for "); print(s.name); print(": error "); printDec(<u64>(-r)); println(); }
}
for (let i = 0; i < man.servers.length; i++) {
  if (!start(i)) ended(i, EXIT_CRASH);
}
println("init: supervising");

// --- the loop: one receive for everything ---
sysRecv(EP, changetype<usize>(lastMsg()));   // RecvOut and Msg have one layout
while (true) {
  const m = lastMsg();
  const badge = m.badge;
  const idx = <i32>(badge & BADGE_INDEX);
  if ((badge & BADGE_FAULT) != 0 && m.label == LABEL_FAULT) {
    if (idx < man.servers.length) onFault(idx);
    else { println("init: the ticker died: no more ticks"); sysProcKill(TICKER); }
    sysRecv(EP, changetype<usize>(lastMsg()));
  } else if ((badge & BADGE_TICKER) != 0) {
    onTick();
    sysRecv(EP, changetype<usize>(lastMsg()));
  } else if ((badge & BADGE_CLIENT) != 0) {
    onRequest(idx);
    sysReplyRecv(EP, msgInfo(rLabel, 4, rCaps), r0, r1, r2, r3, changetype<usize>(lastMsg()));
  } else {
    replyRecv(EP, E_NOT_ALLOWED, 0);
  }
  flush();
}
