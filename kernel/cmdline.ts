// cmdline.ts — the kernel command line, as words of the form key=value.
//
// Words are separated by blanks. A word is `key=value` or a bare `key` (a
// flag with an empty value); a double-quoted part keeps its blanks inside
// the word (`title="a b"`), and a value wholly in quotes is returned
// without them. Backslash escapes are not interpreted. When a key appears
// more than once, the last one wins. Nothing is copied: cmdlineFind()
// leaves the value as a slice of the command line in argValue/argValueLen.
// GRUB may put the kernel's path first; it is just a word without '='.

let text: usize = 0;
let textLen: usize = 0;

// The value found by the last successful cmdlineFind().
export let argValue: usize = 0;
export let argValueLen: usize = 0;
export let argHasValue = false; // there was an '=' (possibly with nothing after it)

// Use `len` bytes at linear address `ptr` as the command line.
export function cmdlineInit(ptr: usize, len: usize): void {
  text = ptr;
  textLen = len;
  argValue = 0;
  argValueLen = 0;
  argHasValue = false;
}

@inline function isBlank(c: u8): bool {
  return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D;
}

// Do the bytes [ptr, ptr + len) spell the ASCII string s?
export function bytesEqual(ptr: usize, len: usize, s: string): bool {
  if (len != <usize>s.length) return false;
  const sp = changetype<usize>(s);
  for (let i: usize = 0; i < len; i++) {
    if (<u16>load<u8>(ptr + i) != load<u16>(sp + (i << 1))) return false;
  }
  return true;
}

// Look for `key`; true when found, with its value in argValue/argValueLen.
export function cmdlineFind(key: string): bool {
  argValue = 0;
  argValueLen = 0;
  argHasValue = false;
  let found = false;
  let i: usize = 0;
  while (i < textLen) {
    // Skip blanks; stop at the end.
    while (i < textLen && isBlank(load<u8>(text + i))) i++;
    if (i == textLen) break;
    // One word: up to a blank outside quotes. Note where the first '=' is.
    const start = i;
    let eq: usize = usize.MAX_VALUE;
    let quoted = false;
    while (i < textLen) {
      const c = load<u8>(text + i);
      if (c == 0x22) quoted = !quoted;
      else if (!quoted && isBlank(c)) break;
      else if (c == 0x3D && eq == usize.MAX_VALUE && !quoted) eq = i;
      i++;
    }
    const end = i;
    const keyEnd = eq == usize.MAX_VALUE ? end : eq;
    if (bytesEqual(text + start, keyEnd - start, key)) {
      found = true;
      argHasValue = eq != usize.MAX_VALUE;
      let v = argHasValue ? eq + 1 : end;
      let vEnd = end;
      if (vEnd - v >= 2 && load<u8>(text + v) == 0x22 && load<u8>(text + vEnd - 1) == 0x22) {
        v++;
        vEnd--;
      }
      argValue = text + v;
      argValueLen = vEnd - v;
    }
  }
  return found;
}

// Is the value found last exactly `s`?
export function argValueIs(s: string): bool {
  return bytesEqual(argValue, argValueLen, s);
}
