import { MigrationInterface, QueryRunner } from "typeorm";

export class SyncEventIdSpaces1796678180426 implements MigrationInterface {
    name = 'SyncEventIdSpaces1796678180426'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "sync_event"
            ADD "id_space" character varying(40)
        `);
        // Stored events get the id space the import gives them now (eventIdSpace in
        // src/domain/sync-identity.ts): the agency their dossier code names, else the
        // importing token's agency, the last code of importer_path. An ADMIN token's path is
        // "/", which does not say its agency: those go to "ADMIN", the import CLI's.
        await queryRunner.query(`
            UPDATE "sync_event" s
               SET "id_space" = coalesce(
                     (SELECT a."code" FROM "agency" a
                       WHERE array_length(string_to_array(s."dossier_code", '.'), 1) >= 3
                         AND a."code" = upper(split_part(s."dossier_code", '.', 2))),
                     substring(s."importer_path" from '([^/]+)/$'),
                     'ADMIN')
        `);
        await queryRunner.query(`
            ALTER TABLE "sync_event"
            ALTER COLUMN "id_space" SET NOT NULL
        `);
        await queryRunner.query(`
            ALTER TABLE "sync_event" DROP CONSTRAINT "PK_193164ed49e1bac810454f47a76"
        `);
        await queryRunner.query(`
            ALTER TABLE "sync_event"
            ADD CONSTRAINT "PK_4eddf7f21faddc17b2dc81681e7" PRIMARY KEY ("event_id", "id_space")
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier_event" DROP CONSTRAINT "UQ_653105538d1c50b76edd12b1152"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "dossier_event"
            ADD CONSTRAINT "UQ_653105538d1c50b76edd12b1152" UNIQUE ("external_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "sync_event" DROP CONSTRAINT "PK_4eddf7f21faddc17b2dc81681e7"
        `);
        await queryRunner.query(`
            ALTER TABLE "sync_event"
            ADD CONSTRAINT "PK_193164ed49e1bac810454f47a76" PRIMARY KEY ("event_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "sync_event" DROP COLUMN "id_space"
        `);
    }

}
