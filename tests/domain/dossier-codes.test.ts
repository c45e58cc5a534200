import { agencyCodeNamedBy, mayUseDossierCode } from '../../src/domain/dossier-codes';

describe('agencyCodeNamedBy', () => {
  it('reads the agency code from the second dot-separated segment of a national-format code', () => {
    expect(agencyCodeNamedBy('G22.HUE.25-000999')).toBe('HUE');
    expect(agencyCodeNamedBy('G22.HNI-QBADINH.25-000001')).toBe('HNI-QBADINH');
    expect(agencyCodeNamedBy('G22.HNI.STP.25-1')).toBe('HNI');
  });

  it('upper-cases it: "g22.hue.25-1" names HUE as much as "G22.HUE.25-1" does', () => {
    expect(agencyCodeNamedBy('g22.hue.25-000999')).toBe('HUE');
  });

  it('finds none in a free-form code or one of two segments', () => {
    expect(agencyCodeNamedBy('JUNK-1')).toBeNull();
    expect(agencyCodeNamedBy('SY-1')).toBeNull();
    expect(agencyCodeNamedBy('HUE.25-000999')).toBeNull();
    expect(agencyCodeNamedBy('G22..25-1')).toBeNull();
  });
});

describe('mayUseDossierCode', () => {
  it('lets the named agency and its ancestors use a code, nobody else', () => {
    expect(mayUseDossierCode('/HUE/', '/HUE/')).toBe(true);
    expect(mayUseDossierCode('/HNI/HNI-QBADINH/', '/HNI/')).toBe(true);
    expect(mayUseDossierCode('/HUE/', '/HNI/HNI-QBADINH/')).toBe(false);
    // A district's officer cannot take its province's codes.
    expect(mayUseDossierCode('/HNI/', '/HNI/HNI-QBADINH/')).toBe(false);
    // A path prefix of characters is not an ancestor: HNI-Q is not HNI-QBADINH's.
    expect(mayUseDossierCode('/HNI/HNI-QBADINH/', '/HNI/HNI-Q/')).toBe(false);
  });

  it('leaves codes naming no agency to anyone, and everything to a scope of every agency (ADMIN)', () => {
    expect(mayUseDossierCode(null, '/HNI/HNI-QBADINH/')).toBe(true);
    expect(mayUseDossierCode('/HUE/', null)).toBe(true);
  });
});
