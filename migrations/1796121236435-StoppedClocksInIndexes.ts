import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand: TypeORM's generator compares neither an index's WHERE clause nor its INCLUDE
 * list, so it sees no change here. Both follow the clock-stop rule (SPEC §2: a dossier waiting
 * for a supplement asked before its due time is not overdue), which reads
 * supplement_requested_at:
 * - the overdue and due-soon scans leave out dossiers whose clock is stopped: in the index they
 *   sat past due, and every scan, once a second, read them all and filtered them away again
 *   (25,000 in the bench's seed: 300 ms a scan);
 * - the backlog's two covering indexes carry supplement_requested_at, so an agency's backlog is
 *   counted from the index alone again (the busiest agency's recount read 2,200 table pages).
 * The ratings index carries the level for the same reason (the busiest agency's 28,000 ratings
 * in a month read 2,150 table pages: 10 of the 90 ms its event took to reach its scorecard).
 *
 * Each index is built anew CONCURRENTLY beside the old one, which is then dropped, and the new
 * one takes its name: instances still serving during a rolling deploy keep reading and writing
 * dossiers (a plain DROP/CREATE holds an exclusive lock on the table while a million rows are
 * indexed). CONCURRENTLY cannot run in a transaction; a run that stops halfway is run again
 * from the start (the half-built index is dropped first). `down` runs in TypeORM's
 * transaction whatever the mode, so it rebuilds with the table locked.
 */
export class StoppedClocksInIndexes1796121236435 implements MigrationInterface {
  name = 'StoppedClocksInIndexes1796121236435';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    await rebuild(queryRunner, true, [
    ['dossier_overdue_scan', `ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND overdue_alerted_at IS NULL AND NOT (supplement_requested_at IS NOT NULL AND supplement_requested_at <= due_at)`],
    ['dossier_due_soon_scan', `ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_soon_alerted_at IS NULL AND NOT (supplement_requested_at IS NOT NULL AND supplement_requested_at <= due_at)`],
    ['dossier_agency_open_due', `ON "dossier" ("agency_id", "due_at") INCLUDE ("received_at", "apology_issued_at", "supplement_requested_at") WHERE closed_at IS NULL`],
    ['dossier_agency_closed', `ON "dossier" ("agency_id", "closed_at") INCLUDE ("received_at", "due_at", "apology_issued_at", "supplement_requested_at") WHERE closed_at IS NOT NULL`],
    ['satisfaction_rating_agency_rated', `ON "satisfaction_rating" ("agency_id", "rated_at") INCLUDE ("level")`],
    ]);
  }

  // Undone in one transaction by TypeORM whatever the mode (CONCURRENTLY cannot run there):
  // a rollback is maintenance, and takes the table's lock.
  public async down(queryRunner: QueryRunner): Promise<void> {
    await rebuild(queryRunner, false, [
    ['dossier_overdue_scan', `ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND overdue_alerted_at IS NULL`],
    ['dossier_due_soon_scan', `ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_soon_alerted_at IS NULL`],
    ['dossier_agency_open_due', `ON "dossier" ("agency_id", "due_at") INCLUDE ("received_at", "apology_issued_at") WHERE closed_at IS NULL`],
    ['dossier_agency_closed', `ON "dossier" ("agency_id", "closed_at") INCLUDE ("received_at", "due_at", "apology_issued_at") WHERE closed_at IS NOT NULL`],
    ['satisfaction_rating_agency_rated', `ON "satisfaction_rating" ("agency_id", "rated_at")`],
    ]);
  }
}

/** Builds each index under a temporary name, drops the old one, and renames the new one. */
async function rebuild(queryRunner: QueryRunner, concurrently: boolean, indexes: [name: string, definition: string][]): Promise<void> {
  const how = concurrently ? ' CONCURRENTLY' : '';
  for (const [name, definition] of indexes) {
    await queryRunner.query(`DROP INDEX${how} IF EXISTS "public"."${name}_rebuilt"`);
    await queryRunner.query(`CREATE INDEX${how} "${name}_rebuilt" ${definition}`);
    await queryRunner.query(`DROP INDEX${how} IF EXISTS "public"."${name}"`);
    await queryRunner.query(`ALTER INDEX "public"."${name}_rebuilt" RENAME TO "${name}"`);
  }
}
