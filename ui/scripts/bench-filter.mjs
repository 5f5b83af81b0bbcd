// Prints how long the flags list's search takes per keystroke at 10,000 flags (issue 5: < 50 ms).
// Loads the real TypeScript module through Vite, types a query one key at a time, and reports
// the median and worst time of filterItems (the index is built once, as the list does).
import { createServer } from 'vite';

const server = await createServer({
  configFile: false,
  server: { middlewareMode: true },
  appType: 'custom',
  logLevel: 'error',
  optimizeDeps: { noDiscovery: true, include: [] },
});
try {
  const { indexItems, filterItems, NO_FILTER } = await server.ssrLoadModule('/src/lib/state/listFilter.ts');
  const { manyFlags } = await server.ssrLoadModule('/src/lib/state/fixtures.ts');
  const flags = manyFlags(10_000);
  let start = performance.now();
  const index = indexItems(flags);
  console.log(`index of ${flags.length} flags: ${(performance.now() - start).toFixed(1)} ms (once per list change)`);
  const query = 'checkout team-0 feature';
  const times = [];
  // Round 0 warms the JIT up and is not counted.
  for (let round = 0; round < 6; round++) {
    for (let i = 1; i <= query.length; i++) {
      start = performance.now();
      filterItems(index, { ...NO_FILTER, text: query.slice(0, i), unpublished: round % 2 === 1 });
      if (round > 0) times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`per keystroke over ${times.length} keystrokes: median ${median.toFixed(2)} ms, worst ${times.at(-1).toFixed(2)} ms`);
} finally {
  await server.close();
}
