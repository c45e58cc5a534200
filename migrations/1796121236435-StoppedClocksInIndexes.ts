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
 */
export class StoppedClocksInIndexes1796121236435 implements MigrationInterface {
  name = 'StoppedClocksInIndexes1796121236435';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."dossier_overdue_scan"`);
    await queryRunner.query(
      `CREATE INDEX "dossier_overdue_scan" ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND overdue_alerted_at IS NULL AND NOT (supplement_requested_at IS NOT NULL AND supplement_requested_at <= due_at)`,
    );
    await queryRunner.query(`DROP INDEX "public"."dossier_due_soon_scan"`);
    await queryRunner.query(
      `CREATE INDEX "dossier_due_soon_scan" ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_soon_alerted_at IS NULL AND NOT (supplement_requested_at IS NOT NULL AND supplement_requested_at <= due_at)`,
    );
    await queryRunner.query(`DROP INDEX "public"."dossier_agency_open_due"`);
    await queryRunner.query(`CREATE INDEX "dossier_agency_open_due" ON "dossier" ("agency_id", "due_at") INCLUDE ("received_at", "apology_issued_at", "supplement_requested_at") WHERE closed_at IS NULL`);
    await queryRunner.query(`DROP INDEX "public"."dossier_agency_closed"`);
    await queryRunner.query(
      `CREATE INDEX "dossier_agency_closed" ON "dossier" ("agency_id", "closed_at") INCLUDE ("received_at", "due_at", "apology_issued_at", "supplement_requested_at") WHERE closed_at IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."satisfaction_rating_agency_rated"`);
    await queryRunner.query(`CREATE INDEX "satisfaction_rating_agency_rated" ON "satisfaction_rating" ("agency_id", "rated_at") INCLUDE ("level")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."satisfaction_rating_agency_rated"`);
    await queryRunner.query(`CREATE INDEX "satisfaction_rating_agency_rated" ON "satisfaction_rating" ("agency_id", "rated_at") `);
    await queryRunner.query(`DROP INDEX "public"."dossier_agency_closed"`);
    await queryRunner.query(`CREATE INDEX "dossier_agency_closed" ON "dossier" ("agency_id", "closed_at") INCLUDE ("received_at", "due_at", "apology_issued_at") WHERE closed_at IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "public"."dossier_agency_open_due"`);
    await queryRunner.query(`CREATE INDEX "dossier_agency_open_due" ON "dossier" ("agency_id", "due_at") INCLUDE ("received_at", "apology_issued_at") WHERE closed_at IS NULL`);
    await queryRunner.query(`DROP INDEX "public"."dossier_due_soon_scan"`);
    await queryRunner.query(`CREATE INDEX "dossier_due_soon_scan" ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND due_soon_alerted_at IS NULL`);
    await queryRunner.query(`DROP INDEX "public"."dossier_overdue_scan"`);
    await queryRunner.query(`CREATE INDEX "dossier_overdue_scan" ON "dossier" ("due_at") WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT') AND overdue_alerted_at IS NULL`);
  }
}
