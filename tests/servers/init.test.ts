// init.test.ts — init's boot manifest parser and the supervisor's restart
// policy (servers/init/) compiled to Wasm: fields and defaults, every
// error message, uses= resolution; backoff doubling with a cap, the
// stable-run reset, crash-loop give-up, watchdog pings and hang detection,
// restart=on-crash/never, operator restarts.

import { beforeAll, describe, expect, it } from "vitest";
import { compileSystem, System } from "./system";

let binary: Uint8Array<ArrayBuffer>;
beforeAll(async () => { binary = await compileSystem(); }, 120_000);

const F = { line: 0, prio: 1, restart: 2, backoffMin: 3, backoffMax: 4, stable: 5, loopCount: 6, loopWindow: 7,
  watchdog: 8, ioBase: 9, ioCount: 10, irq: 11, grants: 12 } as const;
type Field = keyof typeof F;

async function manifest(text: string): Promise<{ s: System; n: number; errors: string }> {
  const s = await System.load(binary);
  const [p, len] = s.put(text);
  const n = s.ex.manParse(p, len);
  return { s, n, errors: s.take() };
}
function field(s: System, i: number, f: Field): number { return Number(s.ex.manField(i, F[f])); }
function name(s: System, i: number): string { s.ex.manName(i); return s.take(); }

describe("boot manifest", () => {
  it("reads servers, keys and defaults", async () => {
    const { s, n, errors } = await manifest(`# the boot manifest
serial  prio=200 ioports=0x3f8+8 irq=4 watchdog=1000 restart=always backoff=50..2000
  # indented comment
names   module=init-names   stable=100
shell   prio=100 uses=serial,names grant=control,power,trace crashloop=5/10000 restart=on-crash\r
crashy  restart=never   # trailing comment
`);
    expect(errors).toBe("");
    expect(n).toBe(4);
    expect([0, 1, 2, 3].map((i) => name(s, i))).toEqual(["serial", "names", "shell", "crashy"]);
    s.ex.manModule(1); expect(s.take()).toBe("init-names");
    s.ex.manModule(0); expect(s.take()).toBe("serial");
    expect({ line: field(s, 0, "line"), prio: field(s, 0, "prio"), io: [field(s, 0, "ioBase"), field(s, 0, "ioCount")],
      irq: field(s, 0, "irq"), wd: field(s, 0, "watchdog"), b: [field(s, 0, "backoffMin"), field(s, 0, "backoffMax")] })
      .toEqual({ line: 2, prio: 200, io: [0x3f8, 8], irq: 4, wd: 1000, b: [50, 2000] });
    // defaults
    expect([field(s, 1, "prio"), field(s, 1, "restart"), field(s, 1, "backoffMin"), field(s, 1, "backoffMax"),
      field(s, 1, "stable"), field(s, 1, "loopCount"), field(s, 1, "watchdog"), field(s, 1, "irq"), field(s, 1, "ioCount"),
      field(s, 1, "grants")]).toEqual([100, 0, 100, 5000, 100, 0, 0, -1, 0, 0]);
    expect([field(s, 2, "restart"), field(s, 2, "loopCount"), field(s, 2, "loopWindow"), field(s, 2, "grants")]).toEqual([1, 5, 10000, 7]);
    expect([s.ex.manUsesCount(2), s.ex.manUses(2, 0), s.ex.manUses(2, 1)]).toEqual([2, 0, 1]);
    expect(field(s, 3, "restart")).toBe(2);
  });

  it("reports every bad line and keeps the good ones", async () => {
    const { s, n, errors } = await manifest(`serial prio=300
Bad!name
good
good prio=5
x prioo=3
y restart=sometimes backoff=10 crashloop=3 ioports=0x3f8 irq=99 grant=root
z backoff=500..100 junk
`);
    expect(errors.split("\n")).toEqual([
      "manifest line 1: prio: expected a number from 1 to 254, not '300'",
      "manifest line 2: expected a server name (a-z, 0-9, '-', '_'; at most 15), not 'Bad!name'",
      "manifest line 4: server listed twice: 'good'",
      "manifest line 5: unknown key 'prioo'",
      "manifest line 6: restart: expected always, on-crash or never, not 'sometimes'",
      "manifest line 6: backoff: expected <min>..<max> (ms), not '10'",
      "manifest line 6: crashloop: expected <count>/<ms>, not '3'",
      "manifest line 6: ioports: expected <base>+<count>, not '0x3f8'",
      "manifest line 6: irq: expected a number from 0 to 23, not '99'",
      "manifest line 6: grant: expected control, power or trace, not 'root'",
      "manifest line 7: backoff: max below min in '500..100'",
      "manifest line 7: expected key=value, not 'junk'",
      "",
    ]);
    expect(n).toBe(1);
    expect(name(s, 0)).toBe("good");
    expect(s.ex.manErrors()).toBe(6);
  });

  it("drops a server that uses an unknown server or itself, and those that use it", async () => {
    const { s, n, errors } = await manifest("a uses=b\nb uses=ghost\nc uses=c\nd uses=e\ne\n");
    expect(errors).toBe("manifest line 2: uses: no server 'ghost'\nmanifest line 1: uses: no server 'b'\n" +
      "manifest line 3: uses: a server cannot use itself: 'c'\n");
    expect(n).toBe(2);
    expect([name(s, 0), name(s, 1)]).toEqual(["d", "e"]);
    expect([s.ex.manUsesCount(0), s.ex.manUses(0, 0)]).toEqual([1, 1]);
  });

  it("limits the number of servers", async () => {
    const text = Array.from({ length: 18 }, (_, i) => `s${i}`).join("\n");
    const { n, errors } = await manifest(text);
    expect(n).toBe(16);
    expect(errors).toBe("manifest line 17: more than 16 servers\nmanifest line 18: more than 16 servers\n");
  });
});

const ST = { stopped: 0, running: 1, backoff: 2, exited: 3, failed: 4 };
const EXIT = { clean: 0, crash: 1, killed: 2, hung: 3 };
const DO = { restart: 0, stayDown: 1, giveUp: 2 };
const ACT = { none: 0, start: 1, ping: 2, killHung: 3 };

async function policy(line: string): Promise<System> {
  const { s, n, errors } = await manifest(line);
  expect([n, errors]).toEqual([1, ""]);
  s.ex.polNew(0);
  return s;
}
const T = (n: number) => BigInt(n);

describe("restart policy", () => {
  it("doubles the backoff per consecutive crash up to the cap", async () => {
    const s = await policy("srv backoff=100..1000 stable=5000");
    const p = s.ex;
    let now = 0;
    p.polStarted(T(now));
    const delays: number[] = [];
    for (let k = 0; k < 6; k++) {
      now += 10;
      expect(p.polExited(T(now), EXIT.crash)).toBe(DO.restart);
      expect(p.polState()).toBe(ST.backoff);
      delays.push(Number(p.polDelay()));
      expect(p.polPoll(T(now + Number(p.polDelay()) - 1))).toBe(ACT.none);
      expect(p.polNext(T(now))).toBe(T(now + Number(p.polDelay())));
      now += Number(p.polDelay());
      expect(p.polPoll(T(now))).toBe(ACT.start);
      p.polStarted(T(now));
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([p.polRestarts(), p.polCrashes()]).toEqual([6, 6]);
    // A stable run resets the doubling.
    now += 5000;
    p.polExited(T(now), EXIT.crash);
    expect(p.polDelay()).toBe(T(100));
  });

  it("gives up on a crash loop, and an operator restart starts afresh", async () => {
    const s = await policy("srv backoff=10..10 crashloop=3/1000");
    const p = s.ex;
    let now = 0;
    p.polStarted(T(now));
    expect(p.polExited(T(now += 600), EXIT.crash)).toBe(DO.restart);
    p.polStarted(T(now += 10));
    expect(p.polExited(T(now += 600), EXIT.hung)).toBe(DO.restart);   // hangs count
    p.polStarted(T(now += 10));
    expect(p.polExited(T(now += 600), EXIT.crash)).toBe(DO.restart);   // 3 crashes in 1220 ms: not a loop
    p.polStarted(T(now += 10));
    expect(p.polExited(T(now += 100), EXIT.killed)).toBe(DO.restart);  // kills do not count
    p.polStarted(T(now += 10));
    expect(p.polExited(T(now += 50), EXIT.crash)).toBe(DO.giveUp);     // 3 within 1000 ms
    expect(p.polState()).toBe(ST.failed);
    expect(p.polPoll(T(now + 100000))).toBe(ACT.none);
    expect(p.polNext(T(now))).toBe(T(-1));
    p.polRestartNow(T(now));
    expect(p.polPoll(T(now))).toBe(ACT.start);
    p.polStarted(T(now));
    expect(p.polExited(T(now += 1), EXIT.crash)).toBe(DO.restart);     // the old crashes are forgotten
  });

  it("follows restart=on-crash and restart=never", async () => {
    const s = await policy("srv restart=on-crash");
    s.ex.polStarted(T(0));
    expect(s.ex.polExited(T(5), EXIT.crash)).toBe(DO.restart);
    s.ex.polStarted(T(200));
    expect(s.ex.polExited(T(300), EXIT.clean)).toBe(DO.stayDown);
    expect(s.ex.polState()).toBe(ST.exited);
    const n = await policy("srv restart=never");
    n.ex.polStarted(T(0));
    expect(n.ex.polExited(T(5), EXIT.crash)).toBe(DO.stayDown);
    const a = await policy("srv restart=always backoff=20..100");
    a.ex.polStarted(T(0));
    expect(a.ex.polExited(T(5), EXIT.clean)).toBe(DO.restart);
    expect(a.ex.polDelay()).toBe(T(20));
    expect(a.ex.polCrashes()).toBe(0);
  });

  it("pings on the watchdog period and declares a silent server hung", async () => {
    const s = await policy("srv watchdog=100");
    const p = s.ex;
    p.polStarted(T(0));
    expect(p.polNext(T(0))).toBe(T(100));
    expect(p.polPoll(T(99))).toBe(ACT.none);
    expect(p.polPoll(T(100))).toBe(ACT.ping);
    expect(p.polPoll(T(150))).toBe(ACT.none);
    p.polAlive(T(101));
    expect(p.polPoll(T(200))).toBe(ACT.ping);
    expect(p.polPoll(T(300))).toBe(ACT.ping);
    expect(p.polNext(T(300))).toBe(T(400));
    expect(p.polPoll(T(400))).toBe(ACT.ping);       // 299 ms of silence
    expect(p.polPoll(T(401))).toBe(ACT.killHung);   // 3 periods since the last answer
    p.polExited(T(401), EXIT.hung);
    expect(p.polState()).toBe(ST.backoff);
    expect(p.polCrashes()).toBe(1);
  });
});
