// main.ts — servers/shell: the serial shell. It reads keys from the serial
// driver (L_READ on its uses= slot), edits the line (lineedit.ts), checks
// the command (commands.ts) and runs it; its output goes back through the
// driver (L_WRITE). Process control goes to init's control interface
// (servers/lib/proto.ts), which checks the shell's grant= rights.
//
// The driver's endpoint comes from init's name registry (L_LOOKUP
// "serial"; the manifest's uses=serial slot until then). When the driver
// dies, a call it held fails (DEAD_PARTNER): the shell retries (the
// endpoint stays: init keeps it across restarts, so the retry waits for
// the new instance) and looks the name up again, now or, while the name is
// dark, once the new instance answered; so it keeps working after the
// driver's restart without restarting itself. It does the same after its
// own crash, kill and restart commands. A new generation of the name is
// logged: "shell: serial driver lost[ (a call failed: error <KErr>)];
// looked up again: generation <n>".
// `bench` is bench.ts.

import { sysCapDelete, sysCapMove, sysClockMs, sysMemFrames } from "../lib/sys";
import { call, lastMsg, setMsgWord } from "../lib/msg";
import { lookupName } from "../lib/lookup";
import { sleepMs } from "../lib/sleep";
import { OutBuf } from "../lib/outbuf";
import { rdtsc } from "../lib/x86";
import { crashNow } from "../lib/crash";
import { print, printDec, println } from "../lib/print";
import { bytesEq } from "../lib/text";
import {
  E_BUSY, E_DOWN, E_NO_SERVER, E_NOT_ALLOWED, L_CRASH_SERVER, L_KILL, L_POWEROFF, L_PS, L_READ, L_REBOOT, L_RESTART,
  L_TRACE, L_WRITE, SERIAL_WRITE_MAX, SLOT_INIT, SLOT_USES, nameWords0, nameWords1, unpackName,
} from "../lib/proto";
import { ED_LINE, LineEditor } from "./lineedit";
import { bench } from "./bench";
import { CMD_LS, storageRun } from "./storage";
import {
  CMD_BENCH, CMD_CRASH, CMD_ECHO, CMD_EMPTY, CMD_ERROR, CMD_HELP, CMD_IPCTRACE, CMD_KILL, CMD_MEM, CMD_POWEROFF, CMD_PS,
  CMD_REBOOT, CMD_RESTART, CMD_UPTIME, COMMANDS, findCommand, parse, Parsed, writeHelp, writeUsage,
} from "./commands";

const SLOT_SERIAL: u32 = 20;         // where the looked-up serial endpoint lands
let SERIAL: u32 = SLOT_USES;         // uses=serial, until a lookup by name gives one
const PROMPT = "tsos> ";
const WIDTH = 80;

const out = new OutBuf(4096);
const ed = new LineEditor(WIDTH - PROMPT.length - 1, 16, out);
const parsed = new Parsed();
const nameTmp = memory.data(16, 8);

// The serial driver's endpoint by name (init's registry), into
// SLOT_SERIAL; false while the name is dark (the driver restarts: the
// endpoint held stays, and a call on it waits for the next instance).
// Each instance registers the name with the next generation; a new one is
// logged on the console.
const SLOT_LOOKUP: u32 = 28;         // a lookup's answer, until it is known to be good
let serialGen: i64 = 0;
let serialStale = false;             // look the driver up again once it answers
let serialError: i64 = 0;            // why the last call to it failed (a KErr), until logged
function lookupSerial(): bool {
  const g = lookupName("serial", SLOT_LOOKUP);
  if (g < 0) return false;
  sysCapDelete(SLOT_SERIAL);
  sysCapMove(SLOT_LOOKUP, SLOT_SERIAL);
  SERIAL = SLOT_SERIAL;
  if (serialGen != 0 && g != serialGen) {
    print("shell: serial driver lost");
    if (serialError != 0) { print(" (a call failed: error "); printDec(<u64>serialError); print(")"); }
    print("; looked up again: generation "); printDec(<u64>g); println();
  }
  serialGen = g;
  serialError = 0;
  return true;
}

// The driver may be a new instance: a command crashed, killed or restarted
// a server. Look it up now if its name is live, else after its next answer.
function serialReplaced(): void {
  serialStale = !lookupSerial();
}
function serialAnswered(): void {
  if (serialStale) serialReplaced();
}
// A call to the driver failed: it died holding it (DEAD_PARTNER). Its name
// is dark until init starts the next instance (the restart back-off): wait
// for it, so that the new generation is known (and logged) before the call
// is retried and its output appears; after 5 s retry on the endpoint held
// (a call on it waits for the next instance) and look up after its answer.
const RELOOKUP_WAIT_MS: u64 = 10, RELOOKUP_TRIES = 500;
function serialFailed(r: i64): void {
  serialError = -r;
  for (let i = 0; i < RELOOKUP_TRIES; i++) {
    if (lookupSerial()) { serialStale = false; return; }
    sleepMs(RELOOKUP_WAIT_MS);
  }
  serialStale = true;
}
// One (empty) write: true when the driver answered (bench.ts).
function serialAnswers(): bool {
  const r = call(SERIAL, L_WRITE, 1, 0);
  if (r < 0) { serialFailed(r); return false; }
  serialAnswered();
  return true;
}

// Send what is in `out` to the serial driver, retrying while it restarts.
function flushOut(): void {
  let done = 0;
  while (done < out.len) {
    let n = out.len - done;
    if (n > SERIAL_WRITE_MAX) n = SERIAL_WRITE_MAX;
    const p = out.buf + <usize>done;
    let w1: u64 = 0, w2: u64 = 0, w3: u64 = 0;
    for (let k = 0; k < n; k += 8) {
      let w: u64 = 0;
      for (let b = 7; b >= 0; b--) w = (w << 8) | (k + b < n ? <u64>load<u8>(p + <usize>(k + b)) : 0);
      const word = k >> 3;
      if (word == 0) w1 = w; else if (word == 1) w2 = w; else if (word == 2) w3 = w; else setMsgWord(<u32>(word + 1), w);
    }
    const words = 1 + ((n + 7) >> 3);
    const r = call(SERIAL, L_WRITE, <u64>words, <u64>n, w1, w2, w3);
    if (r < 0) { serialFailed(r); continue; }
    serialAnswered();
    done += n;
  }
  out.clear();
}

// Bytes typed, fed to the editor; returns when a line is complete.
function readLine(): void {
  while (true) {
    const r = call(SERIAL, L_READ, 0);
    if (r < 0) { serialFailed(r); continue; }   // the driver died: look it up again, ask the new one
    const m = lastMsg();
    const n = <i32>m.w0;
    let line = false;
    for (let i = 0; i < n && i < 24; i++) {
      const w = i < 8 ? m.w1 : i < 16 ? m.w2 : m.w3;
      if (line) continue;                 // after Enter: the rest of the paste is dropped
      if (ed.feed(<u32>((w >> (<u64>(i & 7) << 3)) & 0xFF)) == ED_LINE) line = true;
    }
    serialAnswered();                     // (after m: a lookup is a call of its own)
    flushOut();
    if (line) return;
  }
}

function quoteArg(i: i32): void { out.byte(0x27); out.bytes(parsed.argPtr(i), parsed.argLen(i)); out.byte(0x27); }

// init's answer to a request about server argument 0.
function initError(cmd: string, label: u64): bool {
  if (label == 0) return false;
  out.str(cmd); out.str(": ");
  if (label == E_NO_SERVER) { out.str("no server "); quoteArg(0); out.str(" (see 'ps')"); }
  else if (label == E_NOT_ALLOWED) out.str("not allowed (the shell lacks the grant in init's manifest)");
  else if (label == E_DOWN) { quoteArg(0); out.str(" is not running"); }
  else if (label == E_BUSY) { quoteArg(0); out.str(" is busy (not waiting for messages); try again"); }
  else { out.str("init answered "); out.dec(label); }
  out.byte(0x0A);
  return true;
}

// call init with the server name of argument 0 (and a word).
function askInit(label: u64, extra: u64 = 0): u64 {
  const p = parsed.argPtr(0), n = parsed.argLen(0);
  if (n > 16) return E_NO_SERVER;
  const r = call(SLOT_INIT, label, 3, nameWords0(p, n), nameWords1(p, n), extra);
  if (r < 0) { out.str("init did not answer: error "); out.dec(<u64>(-r)); out.byte(0x0A); return 255; }
  return lastMsg().label;
}

const STATES: StaticArray<string> = ["stopped", "running", "backoff", "exited", "failed"];
const KSTATES: StaticArray<string> = ["stopped", "runnable", "sending", "receiving", "calling", "waiting"];

function ps(): void {
  out.str("NAME      STATE      PRIO  INSTANCE  RESTARTS  CRASHES  THREAD\n");
  for (let i: u64 = 0; i < 64; i++) {
    const r = call(SLOT_INIT, L_PS, 1, i);
    if (r < 0 || lastMsg().label != 0) break;
    const m = lastMsg();
    const n = unpackName(m.w1, m.w2, nameTmp);
    out.bytesPad(nameTmp, n, 10);
    const st = <i32>(m.w0 & 0xFF);
    const stName = st >= 16 ? (st - 16 < KSTATES.length ? KSTATES[st - 16] : "?") : (st < STATES.length ? STATES[st] : "?");
    out.pad(stName, 10);
    out.decPad((m.w0 >> 8) & 0xFF, 5);
    out.decPad(m.w0 >> 32, 10);
    out.decPad((m.w0 >> 16) & 0xFFFF, 10);
    out.decPad(m.w3 & 0xFFFFFFFF, 9);
    const tid = m.w3 >> 32;
    if (tid == 0xFFFFFFFF) out.str("       -"); else out.decPad(tid, 8);
    out.byte(0x0A);
  }
}

function run(): void {
  const c = parse(ed.buf, ed.len, parsed, out);
  if (c == CMD_EMPTY || c == CMD_ERROR) return;
  if (c == CMD_HELP) {
    if (parsed.argc == 0) writeHelp(out);
    else {
      const k = findCommand(parsed.argPtr(0), parsed.argLen(0));
      writeUsage(out, k);
      out.str("  "); out.str(COMMANDS[k].summary); out.byte(0x0A);
    }
  } else if (c == CMD_ECHO) {
    for (let i = 0; i < parsed.argc; i++) { if (i > 0) out.byte(0x20); out.bytes(parsed.argPtr(i), parsed.argLen(i)); }
    out.byte(0x0A);
  } else if (c == CMD_PS) {
    ps();
  } else if (c == CMD_KILL) {
    if (!initError("kill", askInit(L_KILL))) { out.str("killed "); quoteArg(0); out.str(" (init restarts it as its policy says)\n"); }
  } else if (c == CMD_RESTART) {
    if (!initError("restart", askInit(L_RESTART))) { out.str("restarted "); quoteArg(0); out.byte(0x0A); }
  } else if (c == CMD_CRASH) {
    if (bytesEq(parsed.argPtr(0), parsed.argLen(0), "shell")) {
      out.str("shell: crashing myself\n");
      flushOut();
      crashNow(<u64>parsed.crashKind);
    }
    if (!initError("crash", askInit(L_CRASH_SERVER, <u64>parsed.crashKind))) {
      out.str("crash: sent to "); quoteArg(0); out.byte(0x0A);
    }
  } else if (c == CMD_MEM) {
    const f = <u64>sysMemFrames();
    const free = f & 0xFFFFFFFF, total = f >> 32;
    out.str("frames: "); out.dec(total); out.str(" total, "); out.dec(total - free); out.str(" used, ");
    out.dec(free); out.str(" free (4 KiB each: "); out.dec(free >> 8); out.str(" MiB free of "); out.dec(total >> 8);
    out.str(" MiB)\n");
  } else if (c == CMD_UPTIME) {
    const ms = <u64>sysClockMs();
    out.str("up "); out.dec(ms / 1000); out.byte(0x2E);
    const frac = ms % 1000;
    if (frac < 100) out.byte(0x30);
    if (frac < 10) out.byte(0x30);
    out.dec(frac); out.str(" s\n");
  } else if (c == CMD_IPCTRACE) {
    const r = call(SLOT_INIT, L_TRACE, 1, parsed.on ? 1 : 0);
    const label = r < 0 ? 255 : lastMsg().label;
    if (label == E_NOT_ALLOWED) out.str("ipctrace: not allowed (the shell lacks grant=trace)\n");
    else if (label != 0) out.str("ipctrace: init could not switch it\n");
    else out.str(parsed.on ? "ipctrace: on (one console line per call, reply and fault)\n" : "ipctrace: off\n");
  } else if (c == CMD_BENCH) {
    bench(out, flushOut, serialAnswers, serialReplaced);   // bench.ts
  } else if (c >= CMD_LS) {
    storageRun(c, parsed, out, flushOut);   // storage.ts (issue 6)
  } else if (c == CMD_REBOOT || c == CMD_POWEROFF) {
    const name = c == CMD_REBOOT ? "reboot" : "poweroff";
    flushOut();
    const r = call(SLOT_INIT, c == CMD_REBOOT ? L_REBOOT : L_POWEROFF, 0);
    const label = r < 0 ? 255 : lastMsg().label;
    out.str(name);
    out.str(label == E_NOT_ALLOWED ? ": not allowed (the shell lacks grant=power)\n" : ": not supported on this machine\n");
  }
}

// On the kernel console: when the first prompt goes out (under QEMU
// -icount shift=0 the TSC counts guest instructions since reset).
lookupSerial();
print("shell: serial driver by name: generation "); printDec(serialGen); println();
print("shell: first prompt at TSC "); printDec(rdtsc()); println();
out.str("\ntsos shell: type 'help' for the commands\n");
while (true) {
  ed.begin(PROMPT);
  flushOut();
  readLine();
  run();
  // A server crashed, killed or restarted by this command may be the driver.
  const c = parsed.cmd;
  if (c == CMD_CRASH || c == CMD_KILL || c == CMD_RESTART) serialStale = true;
}
