import { MigrationInterface, QueryRunner } from "typeorm";

export class ReceiptsCountedIn1796130478734 implements MigrationInterface {
    name = 'ReceiptsCountedIn1796130478734'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "agency_period_counters"
            ADD "receipts_counted_in" text
        `);
        await queryRunner.query(`
            ALTER TABLE "agency_period_counters"
            ADD "receipts_counted_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "agency_period_counters" DROP COLUMN "receipts_counted_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "agency_period_counters" DROP COLUMN "receipts_counted_in"
        `);
    }

}
