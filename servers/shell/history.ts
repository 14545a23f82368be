// history.ts — the shell's command history: the last `entries` lines, each
// at most `cap` bytes, in one block allocated at start (a ring: the
// oldest line makes room for a new one). Entry 0 is the newest.
// An empty line, or a repeat of the newest, is not added.

export class History {
  store: usize;
  lens: StaticArray<i32>;
  entries: i32;
  cap: i32;
  count: i32 = 0;
  private head: i32 = 0;   // slot the next line goes into

  constructor(entries: i32, cap: i32) {
    this.entries = entries;
    this.cap = cap;
    this.store = heap.alloc(<usize>(entries * cap));
    this.lens = new StaticArray<i32>(entries);
  }

  private slot(i: i32): i32 { return (this.head - 1 - i + 2 * this.entries) % this.entries; }

  // Address and length of entry i (0 = newest; i < count).
  ptr(i: i32): usize { return this.store + <usize>(this.slot(i) * this.cap); }
  len(i: i32): i32 { return unchecked(this.lens[this.slot(i)]); }

  add(p: usize, n: i32): void {
    if (n <= 0 || this.entries == 0) return;
    if (n > this.cap) n = this.cap;
    if (this.count > 0 && this.len(0) == n && memory.compare(this.ptr(0), p, <usize>n) == 0) return;
    memory.copy(this.store + <usize>(this.head * this.cap), p, <usize>n);
    unchecked(this.lens[this.head] = n);
    this.head = (this.head + 1) % this.entries;
    if (this.count < this.entries) this.count++;
  }
}
