import { MigrationInterface, QueryRunner } from "typeorm";

export class IdempotencyKeys1795434682189 implements MigrationInterface {
    name = 'IdempotencyKeys1795434682189'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_key" (
                "subject" character varying(100) NOT NULL,
                "key" character varying(100) NOT NULL,
                "operation" character varying(60) NOT NULL,
                "target" character varying(100) NOT NULL,
                "result" character varying(100),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_15bbc5298ddd8af57469af2fb58" PRIMARY KEY ("subject", "key")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "idempotency_key"
        `);
    }

}
