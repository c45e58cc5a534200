import { MigrationInterface, QueryRunner } from "typeorm";

export class SeedRun1796177367789 implements MigrationInterface {
    name = 'SeedRun1796177367789'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "seed_run" (
                "id" SERIAL NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "completed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_2b9dedcca717325190eef518a40" PRIMARY KEY ("id")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "seed_run"
        `);
    }

}
