// policy.ts — the supervisor's restart policy for one server, as a pure
// state machine over time in milliseconds (init feeds it events and the
// clock, and carries out the actions it returns; nothing here does I/O).
//
//   started(now)         an instance is running
//   exited(now, how)     it ended: EXIT_CLEAN, EXIT_CRASH (fault), EXIT_KILLED
//                        (by request), EXIT_HUNG (the watchdog killed it).
//                        Returns DO_RESTART (at restartAt), DO_STAY_DOWN or
//                        DO_GIVE_UP (crash loop)
//   alive(now)           it answered a ping
//   poll(now)            what is due: ACT_START (the backoff is over),
//                        ACT_PING (send a ping), ACT_KILL_HUNG (no answer for
//                        HUNG_PERIODS periods), ACT_NONE
//   restartNow(now)      an operator's restart: no backoff, no crash counted
//   nextEvent(now)       when poll() should next be called (-1: never)
//
// Backoff: the k-th consecutive crash waits min(backoffMin * 2^(k-1),
// backoffMax); an instance that ran `stable` ms resets k. A killed
// instance restarts after backoffMin. Crash loop: with loopCount > 0,
// loopCount crashes (faults or hangs) within loopWindow ms give up: the
// server stays down (FAILED) until an operator restarts it.

import { RESTART_ALWAYS, RESTART_NEVER, ServerSpec } from "./manifest";

export const ST_STOPPED = 0;   // not started yet
export const ST_RUNNING = 1;
export const ST_BACKOFF = 2;   // waiting to be restarted
export const ST_EXITED = 3;    // ended, and the policy says stay down
export const ST_FAILED = 4;    // crash loop: given up

export const EXIT_CLEAN = 0;
export const EXIT_CRASH = 1;
export const EXIT_KILLED = 2;
export const EXIT_HUNG = 3;

export const DO_RESTART = 0;
export const DO_STAY_DOWN = 1;
export const DO_GIVE_UP = 2;

export const ACT_NONE = 0;
export const ACT_START = 1;
export const ACT_PING = 2;
export const ACT_KILL_HUNG = 3;

export const HUNG_PERIODS: i64 = 3;
const FORGOTTEN: i64 = -(<i64>1 << 60);   // a crash time outside every window

export function stateName(s: i32): string {
  switch (s) {
    case ST_STOPPED: return "stopped";
    case ST_RUNNING: return "running";
    case ST_BACKOFF: return "backoff";
    case ST_EXITED: return "exited";
    default: return "failed";
  }
}

export class Supervision {
  spec: ServerSpec;
  state: i32 = ST_STOPPED;
  restarts: i32 = 0;          // instances started after the first
  crashes: i32 = 0;           // faults and hangs, in total
  consecutive: i32 = 0;       // crashes since the last stable run
  delay: i64 = 0;             // the backoff chosen last
  restartAt: i64 = 0;
  startedAt: i64 = 0;
  lastAlive: i64 = 0;
  nextPing: i64 = 0;
  private crashTimes: StaticArray<i64>;   // ring of the last loopCount crash times
  private crashHead: i32 = 0;
  private everStarted: bool = false;

  constructor(spec: ServerSpec) {
    this.spec = spec;
    this.crashTimes = new StaticArray<i64>(spec.loopCount > 0 ? spec.loopCount : 1);
    for (let i = 0; i < this.crashTimes.length; i++) unchecked(this.crashTimes[i] = FORGOTTEN);
  }

  started(now: i64): void {
    if (this.everStarted) this.restarts++;
    this.everStarted = true;
    this.state = ST_RUNNING;
    this.startedAt = now;
    this.lastAlive = now;
    this.nextPing = now + this.spec.watchdog;
  }

  exited(now: i64, how: i32): i32 {
    const s = this.spec;
    const crashed = how == EXIT_CRASH || how == EXIT_HUNG;
    if (crashed) {
      this.crashes++;
      if (now - this.startedAt >= s.stable) this.consecutive = 0;
      this.consecutive++;
      if (s.loopCount > 0) {
        unchecked(this.crashTimes[this.crashHead] = now);
        this.crashHead = (this.crashHead + 1) % s.loopCount;
        // The oldest of the last loopCount crashes is where the head is now.
        const oldest = unchecked(this.crashTimes[this.crashHead]);
        if (now - oldest <= s.loopWindow) {
          this.state = ST_FAILED;
          return DO_GIVE_UP;
        }
      }
    }
    const restart = s.restart == RESTART_ALWAYS || (s.restart != RESTART_NEVER && how != EXIT_CLEAN);
    if (!restart) { this.state = ST_EXITED; return DO_STAY_DOWN; }
    if (crashed) {
      let d = s.backoffMin;
      for (let k = 1; k < this.consecutive && d < s.backoffMax; k++) d <<= 1;
      this.delay = d < s.backoffMax ? d : s.backoffMax;
    } else {
      this.delay = s.backoffMin;
    }
    this.state = ST_BACKOFF;
    this.restartAt = now + this.delay;
    return DO_RESTART;
  }

  alive(now: i64): void { this.lastAlive = now; }

  restartNow(now: i64): void {
    this.state = ST_BACKOFF;
    this.delay = 0;
    this.restartAt = now;
    this.consecutive = 0;
    for (let i = 0; i < this.crashTimes.length; i++) unchecked(this.crashTimes[i] = FORGOTTEN);
  }

  poll(now: i64): i32 {
    if (this.state == ST_BACKOFF) return now >= this.restartAt ? ACT_START : ACT_NONE;
    if (this.state != ST_RUNNING || this.spec.watchdog <= 0) return ACT_NONE;
    if (now - this.lastAlive >= HUNG_PERIODS * this.spec.watchdog) return ACT_KILL_HUNG;
    if (now >= this.nextPing) {
      this.nextPing = now + this.spec.watchdog;
      return ACT_PING;
    }
    return ACT_NONE;
  }

  nextEvent(now: i64): i64 {
    if (this.state == ST_BACKOFF) return this.restartAt;
    if (this.state != ST_RUNNING || this.spec.watchdog <= 0) return -1;
    const hung = this.lastAlive + HUNG_PERIODS * this.spec.watchdog;
    return this.nextPing < hung ? this.nextPing : hung;
  }
}
