// Symbol names for the assembly output: Wasm names (which may hold any
// Unicode) turned into NASM identifiers, following toolchain/ABI.md.

/** A NASM identifier for an arbitrary name: `/` -> `.`, other odd characters -> `_`. */
export function identifier(name: string): string {
  let s = name.replace(/\//g, '.').replace(/[^A-Za-z0-9_$#@~.?]/g, '_');
  if (!/^[A-Za-z_]/.test(s)) s = '_' + s;
  return s;
}

/** Unique symbols for every function of a module (imports included). */
export function functionSymbols(count: number, nameOf: (i: number) => string | undefined, imported: (i: number) => string | null): string[] {
  const used = new Set<string>();
  const syms: string[] = [];
  for (let i = 0; i < count; i++) {
    const imp = imported(i);
    let s = imp !== null ? imp : identifier(nameOf(i) ?? `wasm.func${i}`);
    // The same import twice is the same external symbol.
    if (used.has(s) && imp === null) s = `${s}.${i}`;
    used.add(s);
    syms.push(s);
  }
  return syms;
}

/** Bytes of a string as a NASM `db` operand list (NUL-terminated). */
export function cString(s: string): string {
  const bytes = [...new TextEncoder().encode(s)];
  return [...bytes, 0].join(', ');
}
