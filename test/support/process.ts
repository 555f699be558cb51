import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/core/config';

export interface ServerProcess {
  child: ChildProcess;
  /** Resolves with everything printed once the server says it is ready. */
  ready: Promise<string>;
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The command `npm start` runs, read from package.json (`node scripts/start.js`:
 * the compiled server, built first when dist/ is stale); `node` is this Node.
 */
export function startCommand(root = PROJECT_ROOT): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = scripts.start.split(' ');
  if (command !== 'node') throw new Error(`npm start runs ${scripts.start}, not node: update startServerProcess`);
  return args;
}

/**
 * Runs the server exactly as `npm start` does, as a separate process, in this
 * checkout or in `root` (another checkout of the project).
 */
export function startServerProcess(env: Record<string, string>, root = PROJECT_ROOT): ServerProcess {
  const child = spawn(process.execPath, startCommand(root), {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const waitsForToken = env.DEMO_DATA !== 'false' && (env.NODE_ENV ?? 'development') === 'development';
      if (waitsForToken ? /^Token \(12 h\): \S+/m.test(output) : /^Care hub ready at/m.test(output)) resolve(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => (output += chunk));
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    ready,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const code = await exited;
      // A failed shutdown says why in the test's output (the log holds no patient data).
      if (code !== 0) console.error(`server exited with ${code}; its last output:\n${output.split('\n').slice(-15).join('\n')}`);
      return code;
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
