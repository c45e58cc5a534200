import { MigrationInterface, QueryRunner } from "typeorm";

export class ReceiptsCountedIn1796129274265 implements MigrationInterface {
    name = 'ReceiptsCountedIn1796129274265'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "agency_period_counters"
            ADD "receipts_counted_in" text
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "agency_period_counters" DROP COLUMN "receipts_counted_in"
        `);
    }

}
