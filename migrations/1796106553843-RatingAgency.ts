import { MigrationInterface, QueryRunner } from "typeorm";

export class RatingAgency1796106553843 implements MigrationInterface {
    name = 'RatingAgency1796106553843'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Generated, then made to keep existing ratings: the column is filled from their dossiers before NOT NULL.
        await queryRunner.query(`ALTER TABLE "satisfaction_rating" ADD "agency_id" integer`);
        await queryRunner.query(`UPDATE "satisfaction_rating" r SET "agency_id" = d."agency_id" FROM "dossier" d WHERE d."id" = r."dossier_id"`);
        await queryRunner.query(`ALTER TABLE "satisfaction_rating" ALTER COLUMN "agency_id" SET NOT NULL`);
        await queryRunner.query(`CREATE INDEX "satisfaction_rating_agency_rated" ON "satisfaction_rating" ("agency_id", "rated_at") `);
        await queryRunner.query(`ALTER TABLE "satisfaction_rating" ADD CONSTRAINT "FK_bf108261295eb81b781613c714b" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "satisfaction_rating" DROP CONSTRAINT "FK_bf108261295eb81b781613c714b"`);
        await queryRunner.query(`DROP INDEX "public"."satisfaction_rating_agency_rated"`);
        await queryRunner.query(`ALTER TABLE "satisfaction_rating" DROP COLUMN "agency_id"`);
    }

}
