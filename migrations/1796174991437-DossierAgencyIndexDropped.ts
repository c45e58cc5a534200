import { MigrationInterface, QueryRunner } from "typeorm";

export class DossierAgencyIndexDropped1796174991437 implements MigrationInterface {
    name = 'DossierAgencyIndexDropped1796174991437'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."IDX_3f5cbeda714fb68df74b43df28"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "IDX_3f5cbeda714fb68df74b43df28" ON "dossier" ("agency_id")
        `);
    }

}
