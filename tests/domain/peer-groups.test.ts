import { AgencyKind } from '../../src/domain/enums';
import { peerGroupKey, peerGroupOf, ranksNationally } from '../../src/domain/peer-groups';

describe('peer groups (docs/INDEX_METHOD.md "Peers and ranks")', () => {
  it('provinces and ministries rank nationally, other units inside their province', () => {
    expect([AgencyKind.PROVINCE, AgencyKind.MINISTRY].every(ranksNationally)).toBe(true);
    expect([AgencyKind.DEPARTMENT, AgencyKind.DISTRICT, AgencyKind.COMMUNE].some(ranksNationally)).toBe(false);
  });

  it('an agency’s group, from its path, is the key a ranking of its kind and province selects', () => {
    expect(peerGroupOf({ kind: AgencyKind.PROVINCE, path: '/HNI/' })).toBe('PROVINCE');
    expect(peerGroupOf({ kind: AgencyKind.MINISTRY, path: '/BTP/' })).toBe('MINISTRY');
    expect(peerGroupOf({ kind: AgencyKind.DEPARTMENT, path: '/HNI/HNI-STP/' })).toBe('DEPARTMENT:HNI');
    expect(peerGroupOf({ kind: AgencyKind.COMMUNE, path: '/HNI/HNI-BD/HNI-BD-P1/' })).toBe(peerGroupKey(AgencyKind.COMMUNE, 'HNI'));
    expect(peerGroupKey(AgencyKind.PROVINCE, 'HNI')).toBe('PROVINCE');
  });
});
