import { MigrationInterface, QueryRunner } from "typeorm";

export class DossierReceivedOrder1795446553308 implements MigrationInterface {
    name = 'DossierReceivedOrder1795446553308'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "dossier_received_order" ON "dossier" ("received_at", "id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."dossier_received_order"`);
    }

}
