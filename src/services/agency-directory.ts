import { DataSource } from 'typeorm';
import { Agency } from '../entities';
import { AgencyNode, loadAgencyNodes } from './index/scorecards';

/**
 * Agencies, cached for the life of the process: codes and paths never change once an agency
 * exists (a restructure creates new agencies, and agencies are written by the seed and first
 * start, not by the running API). Resolving a token's scope costs no statement after the first
 * request, nor does the index's structure for a drill-down page.
 */
export class AgencyDirectory {
  private readonly paths = new Map<string, string>();
  private nodes: Promise<AgencyNode[]> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async pathOf(code: string): Promise<string | undefined> {
    const known = this.paths.get(code);
    if (known) return known;
    const agency = await this.dataSource.getRepository(Agency).findOne({ where: { code }, select: { databaseId: true, path: true } });
    if (agency) this.paths.set(code, agency.path);
    return agency?.path;
  }

  /**
   * Every agency as the index's structure reads it, and the one with this code. A code not
   * found reads them again once, for agencies added since.
   */
  async nodesWith(code: string): Promise<{ nodes: AgencyNode[]; agency: AgencyNode | undefined }> {
    for (const fresh of [false, true]) {
      if (fresh || !this.nodes) {
        const loading = loadAgencyNodes(this.dataSource.manager);
        this.nodes = loading;
        loading.catch(() => {
          if (this.nodes === loading) this.nodes = undefined;
        });
      }
      const nodes = await this.nodes;
      const agency = nodes.find((a) => a.code === code);
      if (agency || fresh) return { nodes, agency };
    }
    throw new Error('unreachable');
  }
}
