import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditMilliseconds1796114821662 implements MigrationInterface {
    name = 'AuditMilliseconds1796114821662'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."audit_entry_action_at"`);
        await queryRunner.query(`ALTER TABLE "audit_entry" ALTER COLUMN "at" TYPE TIMESTAMP(3) WITH TIME ZONE`);
        await queryRunner.query(`CREATE INDEX "audit_entry_action_at" ON "audit_entry" ("action", "at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."audit_entry_action_at"`);
        await queryRunner.query(`ALTER TABLE "audit_entry" ALTER COLUMN "at" TYPE TIMESTAMP(6) WITH TIME ZONE`);
        await queryRunner.query(`CREATE INDEX "audit_entry_action_at" ON "audit_entry" ("action", "at") `);
    }

}
