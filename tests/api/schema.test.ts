import fs from 'node:fs';
import path from 'node:path';
import { buildSchema as parseSdl, DocumentNode, isInterfaceType, isObjectType, Kind, parse, validate } from 'graphql';
import { printSchemaSdl } from '../../src/schema/build';

const COMMITTED = path.resolve(__dirname, '../../schema.graphql');

describe('schema.graphql', () => {
  it('is the schema the code builds (run `npm run schema:print` after changing types)', async () => {
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(await printSchemaSdl());
  });

  it('validates every GraphQL example of the README and docs/ (their ```graphql blocks)', () => {
    const schema = parseSdl(fs.readFileSync(COMMITTED, 'utf8'));
    const problems: string[] = [];
    let examples = 0;
    const docs = fs.readdirSync(path.resolve(__dirname, '../../docs')).filter((f) => f.endsWith('.md'));
    for (const file of ['README.md', ...docs.map((f) => `docs/${f}`)]) {
      const text = fs.readFileSync(path.resolve(__dirname, '../..', file), 'utf8');
      for (const [, block] of text.matchAll(/^```graphql\n([\s\S]*?)^```/gm)) {
        let document: DocumentNode;
        try {
          document = parse(block);
        } catch (err) {
          problems.push(`${file}: ${(err as Error).message} in\n${block}`);
          continue;
        }
        // A block may hold several operations, each an example of its own (with the block's fragments).
        const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
        for (const operation of document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)) {
          examples++;
          const errors = validate(schema, { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] });
          problems.push(...errors.map((e) => `${file}: ${e.message} in\n${block}`));
        }
      }
    }
    expect(problems).toEqual([]);
    expect(examples).toBeGreaterThan(0); // the blocks were found
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

  it('holds the operations of the client contract (docs/SPEC.md §5)', async () => {
    const schema = parseSdl(await printSchemaSdl());
    const query = Object.keys(schema.getQueryType()!.getFields());
    const mutation = Object.keys(schema.getMutationType()!.getFields());
    expect(query).toEqual(
      expect.arrayContaining(['node', 'agencies', 'agency', 'procedures', 'procedure', 'dossiers', 'dossier', 'feedbacks', 'trackDossier']),
    );
    expect(mutation).toEqual(
      expect.arrayContaining([
        'receiveDossier',
        'startProcessing',
        'requestSupplement',
        'resumeDossier',
        'completeDossier',
        'returnResult',
        'rejectDossier',
        'withdrawDossier',
        'transferDossier',
        'issueApology',
        'submitFeedback',
        'answerFeedback',
      ]),
    );
    const dossier = schema.getType('Dossier');
    expect(isObjectType(dossier) && Object.keys(dossier.getFields())).toEqual(
      expect.arrayContaining(['code', 'status', 'channel', 'receivedAt', 'dueAt', 'completedAt', 'timeliness', 'procedure', 'agency', 'history']),
    );
  });
});
