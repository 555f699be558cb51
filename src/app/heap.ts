import v8 from 'node:v8';

/**
 * How far V8 lets the heap grow past what its last full collection kept
 * before it collects again. Left to itself on a machine with plenty of
 * memory, V8 allows four times the live heap, so a hub holding 60 MB grows
 * by some 250 MB of garbage under a flood of large request bodies before it
 * looks (bench: `npm run bench -- --only badinput`). At 100 % it collects at
 * twice the live heap instead: the same flood stays within 200 MB, for
 * somewhat more frequent full collections (README, "Memory"). 0 keeps V8's
 * own pacing.
 *
 * This V8 flag is read at every collection, so setting it at run time takes
 * effect at the next one; Node refuses it in NODE_OPTIONS, hence here.
 */
export function paceGarbageCollection(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
