// First: tracing (when configured) hooks http, express, graphql and pg as this import is evaluated, before they load.
import { stopTracing } from './app/tracing';
import 'reflect-metadata';
import { signToken } from './auth/tokens';
import { ConfigError, loadConfig } from './core/config';
import { createLogger, describeError } from './core/logger';
import { loadDemoData } from './app/demo-data';
import { startHub } from './app/hub';

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
    // Whatever still runs (an operation, a database call), the process ends within its deadline.
    const deadline = setTimeout(() => {
      logger.error({ ms: config.shutdownTimeoutMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1_000);
    deadline.unref();
    try {
      await hub.stop();
      await stopTracing();
      process.exit(0);
    } catch (err) {
      logger.error(describeError(err), 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const demo = config.demoData ? await loadDemoData(hub.db.orm) : null;
  logger.info({ ms: Date.now() - started, url: hub.server.url, embedded: hub.db.embedded }, 'care hub ready');

  const lines = [
    `Care hub ready at ${hub.server.url} (health: ${hub.server.url.replace(/graphql$/, 'healthz')})`,
    `Dashboard: open ${hub.server.url.replace(/graphql$/, '')} in a browser`,
  ];
  if (demo && hub.secret) {
    const token = await signToken(hub.secret, { sub: demo.provider.id });
    lines.push(
      `Demo provider: ${demo.provider.name} (${demo.provider.discipline}), id ${demo.provider.id}`,
      `Token (12 h): ${token}`,
      `Try: curl -s ${hub.server.url} -H 'content-type: application/json' -H "authorization: Bearer ${token}" \\`,
      `       -d '{"query":"{ me { name discipline } }"}'`,
    );
    if (demo.patient) {
      lines.push(
        `Demo patient: ${demo.patient.name}, id ${demo.patient.id}`,
        `Patient token (12 h): ${await signToken(hub.secret, { sub: demo.patient.id, kind: 'patient' })}`,
        `Try it with: { myRecord { name careTeam { name role } activePlan { title upcoming { title startAt } } } }`,
      );
    }
    if (demo.caregiver) {
      lines.push(
        `Demo caregiver: ${demo.caregiver.name} (${demo.caregiver.relationship}), support contact ${demo.caregiver.contactId}`,
        `Caregiver token (12 h): ${await signToken(hub.secret, { sub: demo.caregiver.contactId, kind: 'caregiver' })}`,
      );
    }
  }
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
