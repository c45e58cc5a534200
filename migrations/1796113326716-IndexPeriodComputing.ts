import { MigrationInterface, QueryRunner } from "typeorm";

export class IndexPeriodComputing1796113326716 implements MigrationInterface {
    name = 'IndexPeriodComputing1796113326716'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "index_period_computing" ("period" character varying(10) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1246665001356e7cd75ce422d9a" PRIMARY KEY ("period"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "index_period_computing"`);
    }

}
