import 'reflect-metadata';
import { validate } from 'class-validator';
import { DossierFilter } from '../../src/resolvers/dossier.types';
import { FeedbackFilter } from '../../src/resolvers/feedback.resolver';

/**
 * IsAgencyCode and IsProcedureCode (src/schema/validation.ts) stand for the @Matches every
 * input carrying such a code had written out: the same check, and a message naming the field.
 */
async function messages(input: object): Promise<Record<string, string[]>> {
  const errors = await validate(input, { skipMissingProperties: true, forbidUnknownValues: false });
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
}

describe('agency and procedure code checks', () => {
  it('refuse a malformed code with a message naming the field', async () => {
    const filter = Object.assign(new DossierFilter(), { agencyCode: 'hni', procedureCode: '1.4227' });
    expect(await messages(filter)).toEqual({
      agencyCode: ['agencyCode must be an agency code such as "HNI"'],
      procedureCode: ['procedureCode must be a national procedure code such as "1.004227"'],
    });
    const feedback = Object.assign(new FeedbackFilter(), { agencyCode: 'H', procedureCode: 'x' });
    expect(Object.keys(await messages(feedback)).sort()).toEqual(['agencyCode', 'procedureCode']);
  });

  it('take well-formed codes', async () => {
    expect(await messages(Object.assign(new DossierFilter(), { agencyCode: 'HNI-STP', procedureCode: '1.004227' }))).toEqual({});
    expect(await messages(Object.assign(new FeedbackFilter(), { agencyCode: 'HNI', procedureCode: '2.001234.H' }))).toEqual({});
  });
});
