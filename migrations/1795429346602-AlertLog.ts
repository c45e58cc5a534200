import { MigrationInterface, QueryRunner } from "typeorm";

export class AlertLog1795429346602 implements MigrationInterface {
    name = 'AlertLog1795429346602'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."alert_kind" AS ENUM(
                'DOSSIER_DUE_SOON',
                'DOSSIER_OVERDUE',
                'FEEDBACK_OVERDUE',
                'RANKING_CHANGED',
                'SCORE_DROPPED'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "alert" (
                "id" BIGSERIAL NOT NULL,
                "seq" bigint,
                "kind" "public"."alert_kind" NOT NULL,
                "agency_id" integer NOT NULL,
                "agency_path" character varying(400) COLLATE "C" NOT NULL,
                "dossier_id" bigint,
                "feedback_id" bigint,
                "dedupe_key" character varying(200),
                "message" text NOT NULL,
                "data" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_9e16b49f19988ac69ef582e8267" UNIQUE ("seq"),
                CONSTRAINT "UQ_d65b3eabc486a795e6fe2e3f1ed" UNIQUE ("dedupe_key"),
                CONSTRAINT "PK_ad91cad659a3536465d564a4b2f" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "alert_pending" ON "alert" ("id")
            WHERE seq IS NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD "due_soon_alerted_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD "overdue_alerted_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "feedback"
            ADD "overdue_alerted_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            CREATE INDEX "dossier_due_soon_scan" ON "dossier" ("due_at")
            WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT')
                AND due_soon_alerted_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "dossier_overdue_scan" ON "dossier" ("due_at")
            WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT')
                AND overdue_alerted_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "feedback_overdue_scan" ON "feedback" ("due_at")
            WHERE answered_at IS NULL
                AND overdue_alerted_at IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."feedback_overdue_scan"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."dossier_overdue_scan"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."dossier_due_soon_scan"
        `);
        await queryRunner.query(`
            ALTER TABLE "feedback" DROP COLUMN "overdue_alerted_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP COLUMN "overdue_alerted_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP COLUMN "due_soon_alerted_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."alert_pending"
        `);
        await queryRunner.query(`
            DROP TABLE "alert"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."alert_kind"
        `);
    }

}
