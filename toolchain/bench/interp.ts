// A bytecode interpreter loop (stack machine with a switch dispatch) running
// a program that sums i*i mod 7 for i below n.
const code = memory.data<u8>([
  // 0: push 0 (acc)  2: push 0 (i)
  1, 0, 1, 0,
  // 4: loop: dup i; push n; lt; jz end
  2, 3, 4, 5, 22,
  // 9: dup i, dup i, mul, push 7, mod, add-to-acc
  2, 2, 6, 1, 7, 7, 8,
  // 16: inc i; jmp loop
  9, 10, 4, 0, 0, 0,
  // 22: halt
  11,
]);
const stack = memory.data(1024);

export function run(n: i32): i32 {
  let sp = 0, pc = 0;
  let acc = 0, i = 0;
  while (true) {
    const op = load<u8>(code + pc);
    switch (op) {
      case 1: store<i32>(stack + (sp << 2), load<u8>(code + pc + 1)); sp++; pc += 2; break; // push imm
      case 2: store<i32>(stack + (sp << 2), i); sp++; pc++; break; // push i
      case 3: store<i32>(stack + (sp << 2), n); sp++; pc++; break; // push n
      case 4: { sp--; const b = load<i32>(stack + (sp << 2)); sp--; const a = load<i32>(stack + (sp << 2)); store<i32>(stack + (sp << 2), a < b ? 1 : 0); sp++; pc++; break; } // lt
      case 5: { sp--; pc = load<i32>(stack + (sp << 2)) ? pc + 2 : load<u8>(code + pc + 1); break; } // jz
      case 6: { sp--; const b = load<i32>(stack + (sp << 2)); sp--; const a = load<i32>(stack + (sp << 2)); store<i32>(stack + (sp << 2), a * b); sp++; pc++; break; } // mul
      case 7: { sp--; const b = load<i32>(stack + (sp << 2)); sp--; const a = load<i32>(stack + (sp << 2)); store<i32>(stack + (sp << 2), a % b); sp++; pc++; break; } // mod
      case 8: { sp--; acc += load<i32>(stack + (sp << 2)); pc++; break; } // add to acc
      case 9: i++; pc++; break; // inc i
      case 10: pc = load<u8>(code + pc + 1); break; // jmp
      case 11: return acc + sp; // halt
      default: return -1;
    }
  }
}
