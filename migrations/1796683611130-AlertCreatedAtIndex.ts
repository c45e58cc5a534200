import { MigrationInterface, QueryRunner } from "typeorm";

export class AlertCreatedAtIndex1796683611130 implements MigrationInterface {
    name = 'AlertCreatedAtIndex1796683611130'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "alert_created_at" ON "alert" ("created_at", "seq")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."alert_created_at"
        `);
    }

}
