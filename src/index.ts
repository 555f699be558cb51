import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startHub } from './app';
import { loadDemoData } from './demo/seed';
import { signToken } from './auth/tokens';

/** Start-up only: config → database → server → listen; stop cleanly on SIGINT/SIGTERM. */
async function main() {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const hub = await startHub(config, logger);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await hub.stop();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const demo = config.demoData ? await loadDemoData(hub.db.orm) : null;
  logger.info({ ms: Date.now() - started, url: hub.server.url, embedded: hub.db.embedded }, 'care hub ready');

  const lines = [`Care hub ready at ${hub.server.url} (health: ${hub.server.url.replace(/graphql$/, 'healthz')})`];
  if (demo && hub.secret) {
    const token = await signToken(hub.secret, { sub: demo.provider.id });
    lines.push(
      `Demo provider: ${demo.provider.name} (${demo.provider.discipline}), id ${demo.provider.id}`,
      `Token (12 h): ${token}`,
      `Try: curl -s ${hub.server.url} -H 'content-type: application/json' -H "authorization: Bearer ${token}" \\`,
      `       -d '{"query":"{ me { name discipline } }"}'`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
