import 'reflect-metadata';
import { createTokenVerifier, resolveSecret } from '../auth/tokens';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import { openDatabase, type Database } from './database';
import { createServer, type HubServer } from './server';

export interface RunningHub {
  db: Database;
  server: HubServer;
  /** The HS256 secret in use (generated in development when JWT_SECRET is unset). */
  secret: string | undefined;
  stop(): Promise<void>;
}

/** config → database (embedded or DATABASE_URL, migrated) → server → listen. */
export async function startHub(config: Config, logger: Logger): Promise<RunningHub> {
  const secret = config.jwt.secret || config.env !== 'production' ? resolveSecret(config) : undefined;
  const verifier = createTokenVerifier(config, secret);
  const db = await openDatabase(config, logger);
  let server: HubServer;
  try {
    server = await createServer({ config, orm: db.orm, verifier, logger, secret });
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    db,
    server,
    secret,
    async stop() {
      await server.close();
      logger.info('HTTP and WebSocket connections drained');
      await db.close();
      logger.info('database closed');
    },
  };
}
