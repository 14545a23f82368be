// registry.ts — the name registry: servers register under a name, clients
// look names up. Each name has a generation that grows every time a new
// instance registers it, so that an answer obtained from an earlier
// instance can be told apart: a client keeps (name, generation) and, when
// a call fails because the server died, looks the name up again and gets
// the new instance with a higher generation — never the old one.
//
//   register(name, owner, handle)  owner: the registering server (init's
//        index); handle: what a lookup hands out (an endpoint slot).
//        Returns the new generation (>= 1), or -NAME_TAKEN (a live owner
//        holds it), -NAME_BAD, -NAME_FULL
//   lookup(name)          entry index or -NAME_UNKNOWN (never registered,
//                         or its owner is gone and nobody took it again)
//   ownerGone(owner)      the owner died or is being restarted: its names
//                         go dark (lookups fail) but keep their generation
//   current(i, gen)       is generation gen still the live one of entry i?
// Names are 1..NAME_CAP bytes. Fixed storage, allocated once.

import { bytesEqBytes } from "../lib/text";

export const NAME_CAP = 16;
export const NAME_TAKEN = 1;
export const NAME_BAD = 2;
export const NAME_FULL = 3;
export const NAME_UNKNOWN = 4;

export const NO_OWNER = -1;

export class Registry {
  max: i32;
  count: i32 = 0;
  names: usize;
  nameLens: StaticArray<i32>;
  owners: StaticArray<i32>;
  handles: StaticArray<u64>;
  gens: StaticArray<u32>;

  constructor(max: i32) {
    this.max = max;
    this.names = heap.alloc(<usize>(max * NAME_CAP));
    this.nameLens = new StaticArray<i32>(max);
    this.owners = new StaticArray<i32>(max);
    this.handles = new StaticArray<u64>(max);
    this.gens = new StaticArray<u32>(max);
  }

  @inline namePtr(i: i32): usize { return this.names + <usize>(i * NAME_CAP); }
  @inline nameLen(i: i32): i32 { return unchecked(this.nameLens[i]); }
  @inline owner(i: i32): i32 { return unchecked(this.owners[i]); }
  @inline handle(i: i32): u64 { return unchecked(this.handles[i]); }
  @inline generation(i: i32): u32 { return unchecked(this.gens[i]); }

  // The entry for the name, live or not; -1 if there is none.
  private find(p: usize, n: i32): i32 {
    for (let i = 0; i < this.count; i++) if (bytesEqBytes(this.namePtr(i), this.nameLen(i), p, n)) return i;
    return -1;
  }

  register(p: usize, n: i32, owner: i32, handle: u64): i32 {
    if (n <= 0 || n > NAME_CAP || owner < 0) return -NAME_BAD;
    let i = this.find(p, n);
    if (i >= 0) {
      if (this.owner(i) != NO_OWNER && this.owner(i) != owner) return -NAME_TAKEN;
    } else {
      if (this.count == this.max) return -NAME_FULL;
      i = this.count++;
      memory.copy(this.namePtr(i), p, <usize>n);
      unchecked(this.nameLens[i] = n);
    }
    unchecked(this.owners[i] = owner);
    unchecked(this.handles[i] = handle);
    unchecked(this.gens[i] = this.generation(i) + 1);
    return <i32>this.generation(i);
  }

  lookup(p: usize, n: i32): i32 {
    const i = this.find(p, n);
    if (i < 0 || this.owner(i) == NO_OWNER) return -NAME_UNKNOWN;
    return i;
  }

  ownerGone(owner: i32): i32 {
    let k = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.owner(i) == owner) { unchecked(this.owners[i] = NO_OWNER); k++; }
    }
    return k;
  }

  current(i: i32, gen: u32): bool {
    return i >= 0 && i < this.count && this.owner(i) != NO_OWNER && this.generation(i) == gen;
  }
}
