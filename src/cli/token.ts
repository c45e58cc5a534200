import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { signToken } from '../auth/tokens';
import { loadConfig } from '../config';
import { Role } from '../domain/enums';

const USAGE = 'Usage: npm run token -- [--role OFFICER|LEADER|ADMIN] [--agency HNI] [--sub officer-1] [--expires 12h]';

/** A call that cannot give a token: the reason and how to call it, not a stack trace (exit 2). */
function usageError(reason: string): number {
  console.error(`${reason}\n${USAGE}`);
  return 2;
}

/** `npm run token -- --role LEADER --agency HNI [--sub officer-1] [--expires 12h]`: prints a dev token. */
function main(): number {
  let values: { role?: string; agency?: string; sub?: string; expires?: string };
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string', default: Role.ADMIN },
        agency: { type: 'string', default: 'HNI' },
        sub: { type: 'string' },
        expires: { type: 'string', default: '12h' },
      },
    }));
  } catch (err) {
    return usageError((err as Error).message); // an unknown or malformed flag
  }
  const role = values.role!.toUpperCase() as Role;
  if (!Object.values(Role).includes(role)) {
    return usageError(`--role must be one of ${Object.values(Role).join(', ')}`);
  }
  // jsonwebtoken takes a number of seconds or a timespan such as 90m, 12h or 7d.
  const expires = /^\d+$/.test(values.expires!) ? Number(values.expires) : values.expires!;
  try {
    const config = loadConfig();
    const sub = values.sub ?? `dev-${role.toLowerCase()}-${values.agency}`;
    console.log(signToken({ sub, role, agencyCode: values.agency! }, config.jwtSecret, expires as never));
  } catch (err) {
    return usageError((err as Error).message); // a bad --expires or configuration (JWT_SECRET…)
  }
  return 0;
}

process.exitCode = main();
