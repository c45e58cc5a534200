import { MigrationInterface, QueryRunner } from "typeorm";

export class SyncEvents1795434103837 implements MigrationInterface {
    name = 'SyncEvents1795434103837'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "sync_event" (
                "event_id" character varying(100) NOT NULL,
                "dossier_code" character varying(60) NOT NULL,
                "kind" "public"."dossier_event_kind" NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "payload" jsonb NOT NULL,
                "importer_path" character varying(400) COLLATE "C" NOT NULL,
                "imported_by" character varying(100) NOT NULL,
                "held_reason" character varying(500),
                "imported_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_193164ed49e1bac810454f47a76" PRIMARY KEY ("event_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "sync_event_held" ON "sync_event" ("importer_path")
            WHERE held_reason IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "sync_event_dossier" ON "sync_event" ("dossier_code", "occurred_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD "managed_by_sync" boolean NOT NULL DEFAULT false
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP COLUMN "managed_by_sync"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."sync_event_dossier"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."sync_event_held"
        `);
        await queryRunner.query(`
            DROP TABLE "sync_event"
        `);
    }

}
