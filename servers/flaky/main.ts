// main.ts — servers/flaky: a server that faults right after it starts
// (an integer division by zero), so that init's crash-loop handling can be
// seen and tested: restarts with a doubling backoff, then, at the
// manifest's crashloop=<n>/<ms>, init gives up on it while the rest of the
// system goes on (tests/qemu/shell.test.ts).

import { println } from "../lib/print";
import { crashNow } from "../lib/crash";

println("flaky: started, faulting at once");
crashNow(1);
