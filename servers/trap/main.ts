// main.ts — servers/trap: an AssemblyScript program that traps on
// purpose. The Wasm trap (here `unreachable`) becomes the trap system
// call; the kernel reports "process trap: wasm trap: unreachable at rip
// ..., stopped" and goes on with the next program (tests/qemu/user.test.ts).

import { println } from "../lib/print";

println("trap: executing unreachable");
unreachable();
println("trap: FAILED: still running after unreachable");
