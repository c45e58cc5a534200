import { MigrationInterface, QueryRunner } from "typeorm";

export class DelayListLateIndex1796700000001 implements MigrationInterface {
    name = 'DelayListLateIndex1796700000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "dossier_agency_late" ON "dossier" ("agency_id", "completed_at")
            WHERE completion_timeliness = 'LATE'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."dossier_agency_late"
        `);
    }

}
