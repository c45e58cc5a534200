import { DataSource } from 'typeorm';
import { Agency } from '../entities';

/**
 * Agency code → path, cached for the life of the process: codes and paths never change once
 * an agency exists (a restructure creates new agencies), so resolving a token's scope costs
 * no statement after the first request.
 */
export class AgencyDirectory {
  private readonly paths = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  async pathOf(code: string): Promise<string | undefined> {
    const known = this.paths.get(code);
    if (known) return known;
    const agency = await this.dataSource.getRepository(Agency).findOne({ where: { code }, select: { databaseId: true, path: true } });
    if (agency) this.paths.set(code, agency.path);
    return agency?.path;
  }
}
