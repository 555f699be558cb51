import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/core/config';

const run = promisify(execFile);

/** Runs the layer check (`npm run check:imports`) on a tree; resolves with its exit code and report. */
async function checkImports(root: string): Promise<{ code: number; report: string }> {
  const bin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'depcruise');
  try {
    const { stdout } = await run(bin, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], { cwd: root });
    return { code: 0, report: stdout };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, report: `${failed.stdout}${failed.stderr}` };
  }
}

/** A copy of the project's sources (sharing node_modules) in which a test may add a forbidden import. */
function copyOfSources(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'carehub-layers-'));
  fs.cpSync(path.join(PROJECT_ROOT, 'src'), path.join(root, 'src'), { recursive: true });
  for (const file of ['tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) {
    fs.copyFileSync(path.join(PROJECT_ROOT, file), path.join(root, file));
  }
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

function addImport(root: string, file: string, line: string): void {
  const target = path.join(root, 'src', file);
  fs.writeFileSync(target, `${line}\n${fs.readFileSync(target, 'utf8')}`);
}

describe('the layers (docs/architecture.md)', () => {
  it('hold in the source tree: no import circle, no import from the kernel to a module, modules meet through index.ts', async () => {
    const { code, report } = await checkImports(PROJECT_ROOT);
    expect(report).not.toMatch(/error/);
    expect(code).toBe(0);
  });

  it('are enforced: the check fails, naming each rule, when a forbidden import is added', async () => {
    const root = copyOfSources();
    try {
      addImport(root, 'core/errors.ts', "import '../modules/tasks';");
      addImport(root, 'modules/organizations/organizations.service.ts', "import '../patients';");
      addImport(root, 'modules/goals/goals.service.ts', "import '../tasks/task.entity';");
      addImport(root, 'modules/tasks/tasks.service.ts', "import '../../app/modules';");
      addImport(root, 'fhir/read.ts', "import '../modules/tasks/task.entity';");
      addImport(root, 'modules/alerts/alerts.service.ts', "import '../../fhir/ids';");

      const { code, report } = await checkImports(root);

      expect(code).not.toBe(0);
      expect(report).toContain('kernel-imports-no-module');
      expect(report).toContain('no-circular');
      expect(report).toContain('modules-meet-through-index');
      expect(report).toContain('modules-do-not-import-the-app');
      expect(report).toContain('fhir-meets-modules-through-index');
      expect(report).toContain('only-the-app-mounts-fhir');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
