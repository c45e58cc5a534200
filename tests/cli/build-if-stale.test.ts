import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `scripts/build-if-stale.js`, which `npm start` and the CLIs run first: it compiles when a
 * file tsc reads changed and not otherwise. Run on a small project of its own, so that editing
 * its sources cannot disturb the dist/ other tests run.
 */
const SCRIPT = path.resolve(__dirname, '../../scripts/build-if-stale.js');

let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'si-build-'));
  fs.writeFileSync(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, outDir: 'dist', rootDir: '.' }, include: ['src', 'tests'] }),
  );
  fs.writeFileSync(path.join(project, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', include: ['src'] }));
  fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "p" }\n');
  fs.writeFileSync(path.join(project, 'package-lock.json'), '{ "lockfileVersion": 3 }\n');
  fs.mkdirSync(path.join(project, 'src'));
  fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = 1;\n');
});

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function build(...args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: project, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

const compiled = (file: string) => fs.readFileSync(path.join(project, 'dist/src', file), 'utf8');

it('compiles when dist is missing or a source, a config or the lock file changed, and only then', () => {
  const first = build();
  expect(first).toMatchObject({ status: 0, stderr: expect.stringContaining('Compiling') });
  expect(compiled('a.js')).toContain('exports.a = 1');

  // Nothing changed: no compile, the output is the one already there.
  const output = fs.statSync(path.join(project, 'dist/src/a.js')).mtimeMs;
  expect(build()).toEqual({ status: 0, stderr: '' });
  expect(fs.statSync(path.join(project, 'dist/src/a.js')).mtimeMs).toBe(output);

  // An edit that keeps the size.
  fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = 2;\n');
  expect(build().stderr).toContain('Compiling');
  expect(compiled('a.js')).toContain('exports.a = 2');
  expect(build()).toEqual({ status: 0, stderr: '' });

  // A new file, a deleted file.
  fs.writeFileSync(path.join(project, 'src/b.ts'), 'export const b = "b";\n');
  expect(build().stderr).toContain('Compiling');
  expect(compiled('b.js')).toContain('exports.b = "b"');
  fs.rmSync(path.join(project, 'src/b.ts'));
  expect(build().stderr).toContain('Compiling');
  expect(build()).toEqual({ status: 0, stderr: '' });

  // Configuration and dependencies: what tsc reads besides the sources.
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    fs.appendFileSync(path.join(project, file), '\n');
    expect(build().stderr).toContain('Compiling');
    expect(build()).toEqual({ status: 0, stderr: '' });
  }

  // A file outside what tsc reads (tests/ is not in tsconfig.build.json's include) changes nothing.
  fs.mkdirSync(path.join(project, 'tests'));
  fs.writeFileSync(path.join(project, 'tests/t.ts'), 'export {};\n');
  expect(build()).toEqual({ status: 0, stderr: '' });

  // dist removed: compiled again.
  fs.rmSync(path.join(project, 'dist'), { recursive: true });
  expect(build().stderr).toContain('Compiling');
  expect(compiled('a.js')).toContain('exports.a = 2');
});

it("fails with tsc's status and messages on a type error, and compiles again on the next run", () => {
  fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = "two";\n');
  const failed = build();
  expect(failed.status).not.toBe(0);
  expect(failed.stderr).toContain("Type 'string' is not assignable to type 'number'");
  // The next run must not take the half-written output for a build.
  expect(build().status).not.toBe(0);
  fs.writeFileSync(path.join(project, 'src/a.ts'), 'export const a: number = 3;\n');
  expect(build()).toMatchObject({ status: 0, stderr: expect.stringContaining('Compiling') });
  expect(compiled('a.js')).toContain('exports.a = 3');
  expect(build()).toEqual({ status: 0, stderr: '' });
});
