import { MigrationInterface, QueryRunner } from "typeorm";

export class IndexScorecards1795426491611 implements MigrationInterface {
    name = 'IndexScorecards1795426491611'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "index_method" (
                "key" character varying(40) NOT NULL,
                "name" character varying(300) NOT NULL,
                CONSTRAINT "PK_49ed219a4fc8cbb98da5cb05c22" PRIMARY KEY ("key")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "index_method_group" (
                "method_key" character varying(40) NOT NULL,
                "key" character varying(60) NOT NULL,
                "name" character varying(300) NOT NULL,
                "max_points" numeric(6, 2) NOT NULL,
                "position" integer NOT NULL,
                CONSTRAINT "PK_2193ef77e4f49c7f4b62db30798" PRIMARY KEY ("method_key", "key")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "index_method_criterion" (
                "method_key" character varying(40) NOT NULL,
                "key" character varying(60) NOT NULL,
                "group_key" character varying(60) NOT NULL,
                "name" character varying(300) NOT NULL,
                "max_points" numeric(6, 2) NOT NULL,
                "numerator_counter" character varying(60) NOT NULL,
                "denominator_counter" character varying(60) NOT NULL,
                "position" integer NOT NULL,
                CONSTRAINT "PK_fcbb833de544dd367967df7b762" PRIMARY KEY ("method_key", "key")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "index_period" (
                "period" character varying(10) NOT NULL,
                "method_key" character varying(40) NOT NULL,
                "finalized_at" TIMESTAMP WITH TIME ZONE,
                "finalized_by" character varying(100),
                "reopened" boolean NOT NULL DEFAULT false,
                CONSTRAINT "PK_68e474e5cf42305d2b1d4ba3c45" PRIMARY KEY ("period")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "agency_period_counters" (
                "agency_id" integer NOT NULL,
                "period" character varying(10) NOT NULL,
                "counters" jsonb NOT NULL,
                "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_1cc9ace0ace8c1c72026f65c410" PRIMARY KEY ("agency_id", "period")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "scorecard_record" (
                "agency_id" integer NOT NULL,
                "period" character varying(10) NOT NULL,
                "method_key" character varying(40) NOT NULL,
                "peer_group" character varying(200),
                "total" double precision,
                "rank" integer,
                "rank_out_of" integer,
                "overdue_backlog" integer NOT NULL,
                "counters" jsonb NOT NULL,
                "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_6fb62b55e0b135df468628db453" PRIMARY KEY ("agency_id", "period")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "scorecard_period_peers" ON "scorecard_record" ("period", "peer_group")
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD "closed_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD "history_complete" boolean NOT NULL DEFAULT false
        `);
        await queryRunner.query(`
            CREATE INDEX "dossier_agency_completed" ON "dossier" ("agency_id", "completed_at")
            WHERE completed_at IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."dossier_agency_completed"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP COLUMN "history_complete"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP COLUMN "closed_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."scorecard_period_peers"
        `);
        await queryRunner.query(`
            DROP TABLE "scorecard_record"
        `);
        await queryRunner.query(`
            DROP TABLE "agency_period_counters"
        `);
        await queryRunner.query(`
            DROP TABLE "index_period"
        `);
        await queryRunner.query(`
            DROP TABLE "index_method_criterion"
        `);
        await queryRunner.query(`
            DROP TABLE "index_method_group"
        `);
        await queryRunner.query(`
            DROP TABLE "index_method"
        `);
    }

}
