import { MigrationInterface, QueryRunner } from "typeorm";

export class AuditLog1795437029395 implements MigrationInterface {
    name = 'AuditLog1795437029395'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "audit_entry" (
                "id" BIGSERIAL NOT NULL,
                "action" character varying(60) NOT NULL,
                "actor" character varying(100) NOT NULL,
                "target" character varying(200) NOT NULL,
                "before" jsonb,
                "after" jsonb,
                "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_entry_action_at" ON "audit_entry" ("action", "at")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_entry_at" ON "audit_entry" ("at")
        `);
        // The calendar's own change log becomes part of the general audit log (hand-written:
        // TypeORM does not move data, nor drop a table whose entity is gone).
        await queryRunner.query(`
            INSERT INTO "audit_entry" ("action", "actor", "target", "before", "after", "at")
            SELECT CASE WHEN "after" IS NULL THEN 'CALENDAR_DAY_REMOVED' ELSE 'CALENDAR_DAY_SET' END,
                   "changed_by", 'calendar:' || "date"::text, "before", "after", "changed_at"
              FROM "calendar_change" ORDER BY "id"
        `);
        await queryRunner.query(`DROP TABLE "calendar_change"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "calendar_change" (
                "id" BIGSERIAL NOT NULL, "date" date NOT NULL, "before" jsonb, "after" jsonb,
                "changed_by" character varying(100) NOT NULL, "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_calendar_change" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            INSERT INTO "calendar_change" ("date", "before", "after", "changed_by", "changed_at")
            SELECT substr("target", 10)::date, "before", "after", "actor", "at" FROM "audit_entry"
             WHERE "action" IN ('CALENDAR_DAY_SET', 'CALENDAR_DAY_REMOVED') ORDER BY "id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_entry_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_entry_action_at"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_entry"
        `);
    }

}
