import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config';
import { printSchemaSdl } from '../schema/build';

/** `npm run schema:print`: writes schema.graphql from the code (a test fails when it is stale). */
printSchemaSdl().then((sdl) => {
  fs.writeFileSync(path.join(PROJECT_ROOT, 'schema.graphql'), sdl);
  console.log(`schema.graphql written (${sdl.split('\n').length} lines).`);
});
