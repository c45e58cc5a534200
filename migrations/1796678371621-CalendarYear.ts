import { MigrationInterface, QueryRunner } from "typeorm";

export class CalendarYear1796678371621 implements MigrationInterface {
    name = 'CalendarYear1796678371621'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "calendar_year" (
                "year" smallint NOT NULL,
                "source" character varying(200) NOT NULL,
                CONSTRAINT "PK_4a5f5b39f8e07f51dab5be6fed9" PRIMARY KEY ("year")
            )
        `);
        // A database already holding calendar entries keeps its years as they were: each
        // year with an entry counts as official, so no computed day is added to it.
        await queryRunner.query(`
            INSERT INTO "calendar_year" ("year", "source")
            SELECT DISTINCT extract(year FROM "date")::smallint, 'calendar entries present at upgrade'
            FROM "calendar_day"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "calendar_year"
        `);
    }

}
