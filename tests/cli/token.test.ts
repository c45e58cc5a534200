import { execFile } from 'node:child_process';
import path from 'node:path';
import { verifyToken } from '../../src/auth/tokens';
import { Role } from '../../src/domain/enums';

/** `npm run token` end to end: the compiled CLI in a child process, as the README shows it. */
const CLI = path.join(path.resolve(__dirname, '../..'), 'dist/src/cli/token.js');
const SECRET = 'token-cli-test-secret-of-16+';

function token(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, JWT_SECRET: SECRET } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it('prints a token the API accepts, with the role, agency and expiry asked for', async () => {
  const run = await token(['--role', 'leader', '--agency', 'TPA', '--expires', '90m']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const verified = verifyToken(run.stdout.trim(), SECRET);
  expect(verified).toMatchObject({ role: Role.LEADER, agencyCode: 'TPA', sub: 'dev-leader-TPA' });
  const lifetime = verified.acceptedUntil.getTime() - Date.now();
  expect(lifetime).toBeGreaterThan(89 * 60_000);
  expect(lifetime).toBeLessThan(92 * 60_000);
});

it('answers bad flags with the reason and the usage, exit code 2, no stack trace', async () => {
  for (const args of [['--rol', 'LEADER'], ['--role', 'MAYOR'], ['--expires', 'soon'], ['--agency']]) {
    const run = await token(args);
    expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
    expect(run.stderr).toContain('Usage: npm run token');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }
});
