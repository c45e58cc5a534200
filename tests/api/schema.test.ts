import fs from 'node:fs';
import path from 'node:path';
import { buildSchema as parseSdl, isInterfaceType, isObjectType } from 'graphql';
import { printSchemaSdl } from '../../src/schema/build';

const COMMITTED = path.resolve(__dirname, '../../schema.graphql');

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema:print` after changing types)', async () => {
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(await printSchemaSdl());
  });

  it('describes every type and every field clients see', async () => {
    const schema = parseSdl(await printSchemaSdl());
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        // Connection plumbing (edges/nodes/pageInfo) is described once on its type.
        if (type.name.endsWith('Connection') || type.name.endsWith('Edge')) continue;
        for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('holds the operations of the client contract (SPEC §5)', async () => {
    const schema = parseSdl(await printSchemaSdl());
    const query = Object.keys(schema.getQueryType()!.getFields());
    const mutation = Object.keys(schema.getMutationType()!.getFields());
    expect(query).toEqual(expect.arrayContaining(['node', 'agencies', 'agency', 'procedures', 'procedure', 'dossiers', 'dossier', 'feedbacks', 'trackDossier']));
    expect(mutation).toEqual(
      expect.arrayContaining(['receiveDossier', 'startProcessing', 'requestSupplement', 'resumeDossier', 'completeDossier', 'returnResult', 'rejectDossier', 'withdrawDossier', 'transferDossier', 'issueApology', 'submitFeedback', 'answerFeedback']),
    );
    const dossier = schema.getType('Dossier');
    expect(isObjectType(dossier) && Object.keys(dossier.getFields())).toEqual(
      expect.arrayContaining(['code', 'status', 'channel', 'receivedAt', 'dueAt', 'completedAt', 'timeliness', 'procedure', 'agency', 'history']),
    );
  });
});
