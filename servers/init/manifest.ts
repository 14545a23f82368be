// manifest.ts — init's boot manifest: which servers to start, from which
// boot module, with which priority, capabilities and restart policy. The
// text (servers/init/manifest.txt, embedded in init at build time) has
// one server per line, started in that order; '#' starts a comment:
//
//   # name  key=value ...
//   serial  prio=200 ioports=0x3f8+8 irq=4 watchdog=1000
//   shell   prio=100 uses=serial grant=control
//
// Keys (all optional):
//   module=<m>          boot module (the GRUB module's file name without
//                       directory and ".elf"); default: the server's name
//   prio=<1..254>       scheduling priority (default 100; init runs above)
//   restart=always|on-crash|never   what to do when it ends (default always:
//                       also after a clean exit; on-crash: not after one)
//   backoff=<min>..<max> restart delay in ms, doubling per consecutive
//                       crash from min up to max (default 100..5000)
//   stable=<ms>         an instance that ran this long before it crashed
//                       resets the doubling (default 5000)
//   crashloop=<n>/<ms>  give up after n crashes within ms (default: never;
//                       the backoff alone keeps a crash loop cheap)
//   watchdog=<ms>       ping period; no answer for 3 periods = hung: killed
//                       and restarted (default 0: not watched)
//   ioports=<base>+<n>  an I/O port range capability
//   devmem=<base>+<pages>  a device-memory capability (never RAM), in SLOT_DEVMEM
//   irq=<0..23>         an IRQ handler capability (legacy ISA line);
//                       irq=any: the any-IRQ handler (IRQ_ANY) the PCI server derives its devices' from
//   uses=<a>,<b>        endpoints of these servers, in its slots from
//                       SLOT_USES on, in this order
//   grant=control,power,trace  rights on init's control interface: kill /
//                       restart / crash servers; reboot and power off;
//                       switch IPC tracing; framebuffer: the screen's memory
//                       (the console server)
// parse() reports every bad line ("manifest line 3: ...") into an OutBuf
// and keeps the good ones: init starts what it can.

import { OutBuf } from "../lib/outbuf";
import { bytesEq, isSpace, NOT_A_NUMBER, parseNumber } from "../lib/text";

export const RESTART_ALWAYS = 0;
export const RESTART_ON_CRASH = 1;
export const RESTART_NEVER = 2;

export const GRANT_CONTROL = 1;
export const GRANT_POWER = 2;
export const GRANT_TRACE = 4;
export const GRANT_FRAMEBUFFER = 8;   // the framebuffer's device memory in SLOT_FB (servers/console)

export const MAX_SERVERS = 16;
export const MAX_USES = 4;
const NAME_MAX = 15;

export class ServerSpec {
  name: string = "";
  module: string = "";
  line: i32 = 0;
  prio: i32 = 100;
  restart: i32 = RESTART_ALWAYS;
  backoffMin: i64 = 100;
  backoffMax: i64 = 5000;
  stable: i64 = 5000;
  loopCount: i32 = 0;
  loopWindow: i64 = 0;
  watchdog: i64 = 0;
  ioBase: i32 = 0;
  ioCount: i32 = 0;
  irq: i32 = -1;
  devmemBase: i64 = 0;       // devmem=<base>+<pages>: device memory (kernel/sys_dma.ts), the PCI server's
  devmemPages: i64 = 0;
  grants: i32 = 0;
  usesNames: string[] = [];
  uses: i32[] = [];          // indices into the manifest, resolved after parsing
}

export class Manifest {
  servers: ServerSpec[] = [];
  errors: i32 = 0;

  find(name: string): i32 {
    for (let i = 0; i < this.servers.length; i++) if (this.servers[i].name == name) return i;
    return -1;
  }
}

function str(p: usize, n: i32): string { return String.UTF8.decodeUnsafe(p, <usize>n); }

function validName(p: usize, n: i32): bool {
  if (n == 0 || n > NAME_MAX) return false;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    const ok = (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x5F;
    if (!ok) return false;
  }
  return true;
}

// Index of byte c in [p, p+n), or -1.
function indexOf(p: usize, n: i32, c: u32): i32 {
  for (let i = 0; i < n; i++) if (<u32>load<u8>(p + <usize>i) == c) return i;
  return -1;
}

class LineParser {
  constructor(public out: OutBuf, public line: i32) {}
  failed: bool = false;

  error(msg: string, p: usize = 0, n: i32 = -1): void {
    this.out.str("manifest line ");
    this.out.dec(<u64>this.line);
    this.out.str(": ");
    this.out.str(msg);
    if (n >= 0) { this.out.str(" '"); this.out.bytes(p, n); this.out.byte(0x27); }
    this.out.byte(0x0A);
    this.failed = true;
  }

  // A number in [lo, hi] or an error naming the key.
  num(key: string, p: usize, n: i32, lo: i64, hi: i64): i64 {
    const v = parseNumber(p, n);
    if (v == NOT_A_NUMBER || v < lo || v > hi) {
      this.error(key + ": expected a number from " + lo.toString() + " to " + hi.toString() + ", not", p, n);
      return lo;
    }
    return v;
  }

  key(s: ServerSpec, k: usize, kn: i32, v: usize, vn: i32): void {
    if (bytesEq(k, kn, "module")) {
      if (!validName(v, vn)) this.error("module: not a module name", v, vn);
      else s.module = str(v, vn);
    } else if (bytesEq(k, kn, "prio")) {
      s.prio = <i32>this.num("prio", v, vn, 1, 254);
    } else if (bytesEq(k, kn, "restart")) {
      if (bytesEq(v, vn, "always")) s.restart = RESTART_ALWAYS;
      else if (bytesEq(v, vn, "on-crash")) s.restart = RESTART_ON_CRASH;
      else if (bytesEq(v, vn, "never")) s.restart = RESTART_NEVER;
      else this.error("restart: expected always, on-crash or never, not", v, vn);
    } else if (bytesEq(k, kn, "backoff")) {
      const dots = vn >= 2 ? indexOf(v, vn - 1, 0x2E) : -1;
      if (dots < 0 || load<u8>(v + <usize>dots + 1) != 0x2E) { this.error("backoff: expected <min>..<max> (ms), not", v, vn); return; }
      s.backoffMin = this.num("backoff", v, dots, 1, 3600000);
      s.backoffMax = this.num("backoff", v + <usize>dots + 2, vn - dots - 2, 1, 3600000);
      if (s.backoffMax < s.backoffMin) this.error("backoff: max below min in", v, vn);
    } else if (bytesEq(k, kn, "stable")) {
      s.stable = this.num("stable", v, vn, 0, 3600000);
    } else if (bytesEq(k, kn, "crashloop")) {
      const slash = indexOf(v, vn, 0x2F);
      if (slash < 0) { this.error("crashloop: expected <count>/<ms>, not", v, vn); return; }
      s.loopCount = <i32>this.num("crashloop", v, slash, 1, 64);
      s.loopWindow = this.num("crashloop", v + <usize>slash + 1, vn - slash - 1, 1, 3600000);
    } else if (bytesEq(k, kn, "watchdog")) {
      s.watchdog = this.num("watchdog", v, vn, 0, 3600000);
    } else if (bytesEq(k, kn, "ioports")) {
      const plus = indexOf(v, vn, 0x2B);
      if (plus < 0) { this.error("ioports: expected <base>+<count>, not", v, vn); return; }
      s.ioBase = <i32>this.num("ioports", v, plus, 0, 0xFFFF);
      s.ioCount = <i32>this.num("ioports", v + <usize>plus + 1, vn - plus - 1, 1, 0x10000 - s.ioBase);
    } else if (bytesEq(k, kn, "devmem")) {
      const plus = indexOf(v, vn, 0x2B);
      if (plus < 0) { this.error("devmem: expected <base>+<pages>, not", v, vn); return; }
      s.devmemBase = this.num("devmem", v, plus, 0, 0xF_FFFF_FFFF_F000);
      s.devmemPages = this.num("devmem", v + <usize>plus + 1, vn - plus - 1, 1, 0x1_0000_0000);
    } else if (bytesEq(k, kn, "irq")) {
      s.irq = bytesEq(v, vn, "any") ? 255 : <i32>this.num("irq", v, vn, 0, 23); // any: IRQ_ANY, for the PCI server (kernel/sys_dma.ts res_derive)
    } else if (bytesEq(k, kn, "uses") || bytesEq(k, kn, "grant")) {
      const uses = bytesEq(k, kn, "uses");
      let i = 0;
      while (i <= vn) {
        let j = i;
        while (j < vn && load<u8>(v + <usize>j) != 0x2C) j++;
        const w = v + <usize>i, wn = j - i;
        if (uses) {
          if (!validName(w, wn)) this.error("uses: not a server name", w, wn);
          else if (s.usesNames.length == MAX_USES) this.error("uses: more than 4 servers in", v, vn);
          else s.usesNames.push(str(w, wn));
        } else if (bytesEq(w, wn, "control")) s.grants |= GRANT_CONTROL;
        else if (bytesEq(w, wn, "power")) s.grants |= GRANT_POWER;
        else if (bytesEq(w, wn, "trace")) s.grants |= GRANT_TRACE;
        else if (bytesEq(w, wn, "framebuffer")) s.grants |= GRANT_FRAMEBUFFER;
        else this.error("grant: expected control, power or trace, not", w, wn);
        i = j + 1;
      }
    } else {
      this.error("unknown key", k, kn);
    }
  }
}

// Parse n bytes of manifest text at p. Messages for bad lines go to out.
export function parseManifest(p: usize, n: i32, out: OutBuf): Manifest {
  const m = new Manifest();
  let lineNo = 0;
  let i = 0;
  while (i < n) {
    lineNo++;
    let end = i;
    while (end < n && load<u8>(p + <usize>end) != 0x0A) end++;
    let stop = end;
    const hash = indexOf(p + <usize>i, end - i, 0x23);
    if (hash >= 0) stop = i + hash;
    const lp = new LineParser(out, lineNo);
    const s = new ServerSpec();
    s.line = lineNo;
    let words = 0;
    let j = i;
    while (true) {
      while (j < stop && (isSpace(load<u8>(p + <usize>j)) || load<u8>(p + <usize>j) == 0x0D)) j++;
      if (j >= stop) break;
      const w = j;
      while (j < stop && !isSpace(load<u8>(p + <usize>j)) && load<u8>(p + <usize>j) != 0x0D) j++;
      const wp = p + <usize>w, wn = j - w;
      if (words == 0) {
        if (!validName(wp, wn)) lp.error("expected a server name (a-z, 0-9, '-', '_'; at most 15), not", wp, wn);
        else {
          s.name = str(wp, wn);
          if (m.find(s.name) >= 0) lp.error("server listed twice:", wp, wn);
        }
      } else {
        const eq = indexOf(wp, wn, 0x3D);
        if (eq <= 0) lp.error("expected key=value, not", wp, wn);
        else lp.key(s, wp, eq, wp + <usize>eq + 1, wn - eq - 1);
      }
      words++;
    }
    if (words > 0) {
      if (!lp.failed && m.servers.length == MAX_SERVERS) lp.error("more than 16 servers");
      if (lp.failed) m.errors++;
      else {
        if (s.module.length == 0) s.module = s.name;
        m.servers.push(s);
      }
    }
    i = end + 1;
  }
  // Resolve uses= now that every name is known; a server that names an
  // unknown one (or itself) is dropped, and so are those that use it.
  let changed = true;
  while (changed) {
    changed = false;
    for (let k = 0; k < m.servers.length; k++) {
      const s = m.servers[k];
      s.uses = [];
      let bad = false;
      for (let u = 0; u < s.usesNames.length; u++) {
        const t = m.find(s.usesNames[u]);
        if (t < 0 || t == k) {
          out.str("manifest line "); out.dec(<u64>s.line); out.str(": uses: ");
          out.str(t == k ? "a server cannot use itself: '" : "no server '");
          out.str(s.usesNames[u]);
          out.str("'\n");
          bad = true;
          break;
        }
        s.uses.push(t);
      }
      if (bad) { m.servers.splice(k, 1); m.errors++; changed = true; break; }
    }
  }
  return m;
}
