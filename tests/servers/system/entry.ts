// entry.ts — the user-space system logic (servers/shell line editor and
// commands, servers/init manifest and restart policy, servers/names
// registry) as one Wasm module for tests/servers/{shell,init,names}.test.ts,
// plus the console's terminal (servers/console) on an in-memory VGA text
// buffer, so the tests can check what the editor's output looks like on a
// screen. Text goes in through alloc() + memory; output comes back through
// the shared OutBuf.

import { OutBuf } from "../../../servers/lib/outbuf";
import { LineEditor } from "../../../servers/shell/lineedit";
import { parse, Parsed, writeHelp } from "../../../servers/shell/commands";
import { Manifest, parseManifest } from "../../../servers/init/manifest";
import { Supervision } from "../../../servers/init/policy";
import { Registry } from "../../../servers/names/registry";
import { Terminal } from "../../../servers/console/terminal";
import { VgaScreen } from "../../../servers/console/vgascreen";

const out = new OutBuf(65536);

export function alloc(n: usize): usize {
  const p = heap.alloc(n);
  memory.fill(p, 0, n);
  return p;
}
export function outPtr(): usize { return out.buf; }
export function outLen(): i32 { return out.len; }
export function outClear(): void { out.clear(); }

// --- line editor ---
let ed: LineEditor | null = null;
export function edNew(cap: i32, hist: i32): void { ed = new LineEditor(cap, hist, out); }
export function edBegin(): void { ed!.begin("> "); }
export function edFeed(b: u32): i32 { return ed!.feed(b); }
export function edLinePtr(): usize { return ed!.buf; }
export function edLineLen(): i32 { return ed!.len; }
export function edPos(): i32 { return ed!.pos; }

// --- a terminal to look at the editor's output ---
let term: Terminal | null = null;
export function termNew(cols: i32, rows: i32): void {
  term = new Terminal(new VgaScreen(alloc(<usize>(cols * rows * 2)), cols, rows));
}
export function termWrite(p: usize, n: usize): void { term!.write(p, n); }
export function termDump(p: usize, cap: u32): u32 { return term!.dump(p, cap); }
export function termCol(): i32 { return term!.col; }
export function termRow(): i32 { return term!.row; }

// --- commands ---
const parsed = new Parsed();
export function cmdParse(p: usize, n: i32): i32 { return parse(p, n, parsed, out); }
export function cmdArgc(): i32 { return parsed.argc; }
export function cmdArg(i: i32): void { out.bytes(parsed.argPtr(i), parsed.argLen(i)); }
export function cmdCrashKind(): i32 { return parsed.crashKind; }
export function cmdOn(): bool { return parsed.on; }
export function cmdHelp(): void { writeHelp(out); }

// --- manifest ---
let man: Manifest = new Manifest();
export function manParse(p: usize, n: i32): i32 { man = parseManifest(p, n, out); return man.servers.length; }
export function manErrors(): i32 { return man.errors; }
export function manName(i: i32): void { out.str(man.servers[i].name); }
export function manModule(i: i32): void { out.str(man.servers[i].module); }
export function manUsesCount(i: i32): i32 { return man.servers[i].uses.length; }
export function manUses(i: i32, k: i32): i32 { return man.servers[i].uses[k]; }
// Numeric fields by number, in the order the test lists them.
export function manField(i: i32, f: i32): i64 {
  const s = man.servers[i];
  switch (f) {
    case 0: return s.line;
    case 1: return s.prio;
    case 2: return s.restart;
    case 3: return s.backoffMin;
    case 4: return s.backoffMax;
    case 5: return s.stable;
    case 6: return s.loopCount;
    case 7: return s.loopWindow;
    case 8: return s.watchdog;
    case 9: return s.ioBase;
    case 10: return s.ioCount;
    case 11: return s.irq;
    default: return s.grants;
  }
}

// --- restart policy (for server i of the last manifest) ---
let sup: Supervision | null = null;
export function polNew(i: i32): void { sup = new Supervision(man.servers[i]); }
export function polStarted(now: i64): void { sup!.started(now); }
export function polExited(now: i64, how: i32): i32 { return sup!.exited(now, how); }
export function polAlive(now: i64): void { sup!.alive(now); }
export function polPoll(now: i64): i32 { return sup!.poll(now); }
export function polRestartNow(now: i64): void { sup!.restartNow(now); }
export function polNext(now: i64): i64 { return sup!.nextEvent(now); }
export function polState(): i32 { return sup!.state; }
export function polRestarts(): i32 { return sup!.restarts; }
export function polCrashes(): i32 { return sup!.crashes; }
export function polDelay(): i64 { return sup!.delay; }
export function polRestartAt(): i64 { return sup!.restartAt; }

// --- name registry ---
let reg: Registry | null = null;
export function regNew(max: i32): void { reg = new Registry(max); }
export function regRegister(p: usize, n: i32, owner: i32, handle: u64): i32 { return reg!.register(p, n, owner, handle); }
export function regLookup(p: usize, n: i32): i32 { return reg!.lookup(p, n); }
export function regOwnerGone(owner: i32): i32 { return reg!.ownerGone(owner); }
export function regGen(i: i32): u32 { return reg!.generation(i); }
export function regHandle(i: i32): u64 { return reg!.handle(i); }
export function regCurrent(i: i32, gen: u32): bool { return reg!.current(i, gen); }
