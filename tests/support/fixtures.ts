import { DataSource } from 'typeorm';
import { AgencyKind, OnlineLevel, ProcedureLevel, ServiceCommitmentKind } from '../../src/domain/enums';
import { Agency, Procedure, ServiceCommitment } from '../../src/entities';

/**
 * A small, hand-built world for API tests: two provinces (so scoping can be tested between
 * them), a department and a commune under the first, and a few procedures.
 *
 *   TPA  Tỉnh Thử nghiệm A          TPB  Tỉnh Thử nghiệm B
 *   ├── TPA-STP  Sở Tư pháp           └── TPB-STP  Sở Tư pháp
 *   └── TPA-X01  Xã Một (07:30–16:30)
 */
export async function seedFixtures(dataSource: DataSource) {
  const agencies = dataSource.getRepository(Agency);
  const make = async (code: string, name: string, kind: AgencyKind, parent?: Agency, extra: Partial<Agency> = {}) =>
    agencies.save(agencies.create({ code, name, kind, parentId: parent?.databaseId ?? null, path: `${parent?.path ?? '/'}${code}/`, ...extra }));
  const tpa = await make('TPA', 'Tỉnh Thử nghiệm A', AgencyKind.PROVINCE);
  const tpb = await make('TPB', 'Tỉnh Thử nghiệm B', AgencyKind.PROVINCE);
  const tpaJustice = await make('TPA-STP', 'Sở Tư pháp tỉnh Thử nghiệm A', AgencyKind.DEPARTMENT, tpa);
  const tpaCommune = await make('TPA-X01', 'Xã Một', AgencyKind.COMMUNE, tpa, { officeStart: '07:30', officeEnd: '16:30' });
  const tpbJustice = await make('TPB-STP', 'Sở Tư pháp tỉnh Thử nghiệm B', AgencyKind.DEPARTMENT, tpb);

  const procedures = dataSource.getRepository(Procedure);
  const proc = (code: string, name: string, processingDays: number, extra: Partial<Procedure> = {}) =>
    procedures.save(
      procedures.create({
        code,
        name,
        field: 'Hộ tịch',
        level: ProcedureLevel.PROVINCE,
        processingDays,
        feeVnd: 0,
        acceptsOnlinePayment: false,
        onlineLevel: OnlineLevel.FULL,
        onlineEligible: true,
        announcingDecision: '1234/QĐ-UBND',
        announcedOn: '2024-01-15',
        publishedAt: new Date('2024-01-18T09:00:00+07:00'),
        ...extra,
      }),
    );
  const birth = await proc('1.001193', 'Đăng ký khai sinh', 3);
  const sameDay = await proc('1.000894', 'Chứng thực bản sao từ bản chính', 0, { field: 'Chứng thực' });
  const business = await proc('2.001610', 'Đăng ký thành lập doanh nghiệp', 3, { field: 'Doanh nghiệp', feeVnd: 50000, acceptsOnlinePayment: true });
  const land = await proc('1.004227', 'Đăng ký biến động quyền sử dụng đất', 10, { field: 'Đất đai', onlineLevel: OnlineLevel.PARTIAL });

  // TPA-STP commits to 5 working days for land registration instead of the legal 10.
  await dataSource.getRepository(ServiceCommitment).save({
    agencyId: tpaJustice.databaseId,
    procedureId: land.databaseId,
    kind: ServiceCommitmentKind.MAX_WORKING_DAYS,
    workingDays: 5,
  });
  return { tpa, tpb, tpaJustice, tpaCommune, tpbJustice, birth, sameDay, business, land };
}
