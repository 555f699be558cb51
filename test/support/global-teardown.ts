import fs from 'node:fs';

export default async function globalTeardown() {
  const embedded = (globalThis as Record<string, unknown>).__EMBEDDED_PG__ as { stop(): Promise<void>; dataDir: string } | undefined;
  if (!embedded) return;
  await embedded.stop();
  fs.rmSync(embedded.dataDir, { recursive: true, force: true });
}
