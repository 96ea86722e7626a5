// Times a benchmark kernel's run(iterations) export in Node.js (V8's Liftoff + TurboFan),
// the same .wasm the Keel tiers run, with the same protocol as kernelbench:
//   node runkernel.mjs KERNEL.wasm ITERATIONS RUNS
// One untimed warm-up call, then RUNS timed calls; prints
//   median_ms=<m> min_ms=<m> max_ms=<m> checksum=<u32>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [file, itText, runsText] = process.argv.slice(2);
const iterations = Number(itText);
const runs = Number(runsText);
if (!file || !(iterations > 0) || !(runs > 0)) {
  console.error('usage: node runkernel.mjs KERNEL.wasm ITERATIONS RUNS');
  process.exit(2);
}

const module = await WebAssembly.compile(readFileSync(file));
if (WebAssembly.Module.imports(module).length !== 0) {
  console.error(`${file} has imports; the kernels must import nothing`);
  process.exit(1);
}
const instance = await WebAssembly.instantiate(module, {});
const { run, _initialize } = instance.exports;
if (_initialize) _initialize();

const warm = run(iterations) >>> 0;
const ms = [];
for (let i = 0; i < runs; ++i) {
  const start = performance.now();
  const sum = run(iterations) >>> 0;
  ms.push(performance.now() - start);
  if (sum !== warm) {
    console.error('the checksum changed between runs');
    process.exit(1);
  }
}
ms.sort((a, b) => a - b);
const mid = ms.length >> 1;
const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
console.log(`median_ms=${median.toFixed(3)} min_ms=${ms[0].toFixed(3)} max_ms=${ms[ms.length - 1].toFixed(3)} checksum=${warm}`);
