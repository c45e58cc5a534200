import { parseArgs } from 'node:util';
import { signToken } from '../auth/tokens';
import { loadConfig } from '../config';
import { Role } from '../domain/enums';

/** `npm run token -- --role LEADER --agency HNI [--sub officer-1] [--expires 12h]`: prints a dev token. */
function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: Role.ADMIN },
      agency: { type: 'string', default: 'HNI' },
      sub: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  const role = values.role!.toUpperCase() as Role;
  if (!Object.values(Role).includes(role)) {
    console.error(`--role must be one of ${Object.values(Role).join(', ')}`);
    process.exit(2);
  }
  const config = loadConfig();
  const sub = values.sub ?? `dev-${role.toLowerCase()}-${values.agency}`;
  console.log(signToken({ sub, role, agencyCode: values.agency! }, config.jwtSecret, values.expires as never));
}

main();
