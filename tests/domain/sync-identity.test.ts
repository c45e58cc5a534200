import { DossierEventKind } from '../../src/domain/enums';
import { eventIdSpace, EventContent, sameEventContent } from '../../src/domain/sync-identity';

describe('eventIdSpace', () => {
  it('is the agency the dossier code names, whoever imports it; else the importing token’s agency', () => {
    expect(eventIdSpace('HUE', 'ADMIN')).toBe('HUE');
    expect(eventIdSpace('HUE-STP', 'HUE')).toBe('HUE-STP');
    expect(eventIdSpace(null, 'HNI-QBADINH')).toBe('HNI-QBADINH');
  });
});

describe('sameEventContent', () => {
  const at = new Date('2025-04-25T09:00:00Z');
  const receipt: EventContent<Record<string, unknown>> = {
    kind: DossierEventKind.RECEIVED,
    dossierCode: 'G22.HUE.25-000001',
    occurredAt: at,
    payload: { agencyCode: 'HUE', applicantName: 'Trần Văn B', applicantPhone: null, lookupSecretHash: 'aaa' },
  };

  it('is the same event for the same kind, dossier, instant and payload, whatever the key order or a null for an absent field', () => {
    expect(
      sameEventContent(
        receipt,
        { ...receipt, occurredAt: new Date(at.getTime()), payload: { lookupSecretHash: 'aaa', applicantName: 'Trần Văn B', agencyCode: 'HUE' } },
        true,
      ),
    ).toBe(true);
  });

  it('differs in any of them', () => {
    expect(sameEventContent(receipt, { ...receipt, kind: DossierEventKind.COMPLETED }, true)).toBe(false);
    expect(sameEventContent(receipt, { ...receipt, dossierCode: 'JUNK-1' }, true)).toBe(false);
    expect(sameEventContent(receipt, { ...receipt, occurredAt: new Date(at.getTime() + 1) }, true)).toBe(false);
    expect(sameEventContent(receipt, { ...receipt, payload: { ...receipt.payload, applicantName: 'Trần Văn C' } }, true)).toBe(false);
    expect(sameEventContent(receipt, { ...receipt, payload: { ...receipt.payload, reason: 'x' } }, true)).toBe(false);
  });

  it('counts the lookup secret only when the repeat sent one (one generated for the first copy cannot be repeated)', () => {
    const generated = { ...receipt, payload: { ...receipt.payload, lookupSecretHash: 'bbb' } };
    expect(sameEventContent(receipt, generated, false)).toBe(true);
    expect(sameEventContent(receipt, generated, true)).toBe(false);
  });
});
