import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795425517243 implements MigrationInterface {
    name = 'Initial1795425517243'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."agency_kind" AS ENUM(
                'MINISTRY',
                'PROVINCE',
                'DEPARTMENT',
                'DISTRICT',
                'COMMUNE'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "agency" (
                "id" SERIAL NOT NULL,
                "code" character varying(40) NOT NULL,
                "name" character varying(300) NOT NULL,
                "kind" "public"."agency_kind" NOT NULL,
                "parent_id" integer,
                "path" character varying(400) COLLATE "C" NOT NULL,
                "valid_from" date,
                "valid_to" date,
                "successor_id" integer,
                "office_start" character varying(5),
                "office_end" character varying(5),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_fbda24d0286deca69d0b8d30f10" UNIQUE ("code"),
                CONSTRAINT "PK_ab1244724d1c216e9720635a2e5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_72965c9a168bd3fcdba2ffc3bd" ON "agency" ("path")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_719b21c389fa90b34f95159215" ON "agency" ("kind", "parent_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."calendar_day_kind" AS ENUM('DAY_OFF', 'EXTRA_WORKING_DAY')
        `);
        await queryRunner.query(`
            CREATE TABLE "calendar_day" (
                "date" date NOT NULL,
                "kind" "public"."calendar_day_kind" NOT NULL,
                "name" character varying(200) NOT NULL,
                CONSTRAINT "PK_82404934db32af18c10dfe7087e" PRIMARY KEY ("date")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "calendar_settings" (
                "id" smallint NOT NULL DEFAULT '1',
                "time_zone" character varying(60) NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
                "office_start" character varying(5) NOT NULL DEFAULT '08:00',
                "office_end" character varying(5) NOT NULL DEFAULT '17:00',
                CONSTRAINT "PK_5276e0ff0747427b978b6aea654" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "calendar_change" (
                "id" BIGSERIAL NOT NULL,
                "date" date NOT NULL,
                "before" jsonb,
                "after" jsonb,
                "changed_by" character varying(100) NOT NULL,
                "changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_bad3b733aa30d2c70ebb4f8f456" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."procedure_level" AS ENUM('CENTRAL', 'PROVINCE', 'DISTRICT', 'COMMUNE')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."online_level" AS ENUM('FULL', 'PARTIAL', 'NONE')
        `);
        await queryRunner.query(`
            CREATE TABLE "procedure" (
                "id" SERIAL NOT NULL,
                "code" character varying(40) NOT NULL,
                "name" character varying(500) NOT NULL,
                "field" character varying(200) NOT NULL,
                "level" "public"."procedure_level" NOT NULL,
                "processing_days" integer NOT NULL,
                "fee_vnd" integer NOT NULL DEFAULT '0',
                "accepts_online_payment" boolean NOT NULL DEFAULT false,
                "online_level" "public"."online_level" NOT NULL,
                "online_eligible" boolean NOT NULL DEFAULT true,
                "announcing_decision" character varying(100) NOT NULL,
                "announced_on" date NOT NULL,
                "published_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "UQ_5b9ee346c174d4b2682947d1984" UNIQUE ("code"),
                CONSTRAINT "PK_9888785b528492e7539d96e3894" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."dossier_channel" AS ENUM('ONLINE', 'IN_PERSON', 'POSTAL')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."dossier_status" AS ENUM(
                'RECEIVED',
                'PROCESSING',
                'AWAITING_SUPPLEMENT',
                'COMPLETED',
                'RESULT_RETURNED',
                'WITHDRAWN',
                'REJECTED',
                'TRANSFERRED'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."applicant_kind" AS ENUM('CITIZEN', 'BUSINESS')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."timeliness" AS ENUM('EARLY', 'ON_TIME', 'LATE', 'OVERDUE', 'PENDING')
        `);
        await queryRunner.query(`
            CREATE TABLE "dossier" (
                "id" BIGSERIAL NOT NULL,
                "code" character varying(60) NOT NULL,
                "procedure_id" integer NOT NULL,
                "agency_id" integer NOT NULL,
                "channel" "public"."dossier_channel" NOT NULL,
                "status" "public"."dossier_status" NOT NULL,
                "applicant_kind" "public"."applicant_kind" NOT NULL,
                "applicant_name" character varying(200) NOT NULL,
                "applicant_id_number" character varying(40) NOT NULL,
                "applicant_phone" character varying(30),
                "applicant_address" character varying(300),
                "lookup_secret_hash" character varying(64) NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "processing_days" integer NOT NULL,
                "base_due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "paused_working_minutes" integer NOT NULL DEFAULT '0',
                "supplement_requested_at" TIMESTAMP WITH TIME ZONE,
                "completed_at" TIMESTAMP WITH TIME ZONE,
                "result_returned_at" TIMESTAMP WITH TIME ZONE,
                "completion_timeliness" "public"."timeliness",
                "digitized_at_receipt" boolean NOT NULL DEFAULT false,
                "reused_digitized_data" boolean NOT NULL DEFAULT false,
                "electronic_result" boolean NOT NULL DEFAULT false,
                "fee_paid_online" boolean NOT NULL DEFAULT false,
                "synced_to_national_portal" boolean NOT NULL DEFAULT false,
                "transferred_in" boolean NOT NULL DEFAULT false,
                "apology_issued_at" TIMESTAMP WITH TIME ZONE,
                "apology_new_appointment_at" TIMESTAMP WITH TIME ZONE,
                "rejection_reason" text,
                "transferred_to_agency_id" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "version" integer NOT NULL,
                CONSTRAINT "UQ_e4a0b898ce0e97174aa9056f9c9" UNIQUE ("code"),
                CONSTRAINT "PK_62a60ad7157c2922b57c3319364" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_3f5cbeda714fb68df74b43df28" ON "dossier" ("agency_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "dossier_open_due" ON "dossier" ("due_at")
            WHERE status IN ('RECEIVED', 'PROCESSING', 'AWAITING_SUPPLEMENT')
        `);
        await queryRunner.query(`
            CREATE INDEX "dossier_agency_received" ON "dossier" ("agency_id", "received_at")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."dossier_event_kind" AS ENUM(
                'RECEIVED',
                'PROCESSING_STARTED',
                'SUPPLEMENT_REQUESTED',
                'RESUMED',
                'COMPLETED',
                'RESULT_RETURNED',
                'WITHDRAWN',
                'REJECTED',
                'TRANSFERRED',
                'APOLOGY_ISSUED'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."dossier_event_status" AS ENUM(
                'RECEIVED',
                'PROCESSING',
                'AWAITING_SUPPLEMENT',
                'COMPLETED',
                'RESULT_RETURNED',
                'WITHDRAWN',
                'REJECTED',
                'TRANSFERRED'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "dossier_event" (
                "id" BIGSERIAL NOT NULL,
                "external_id" character varying(100),
                "dossier_id" bigint NOT NULL,
                "kind" "public"."dossier_event_kind" NOT NULL,
                "from_status" "public"."dossier_event_status",
                "to_status" "public"."dossier_event_status" NOT NULL,
                "actor" character varying(100) NOT NULL,
                "actor_agency_id" integer NOT NULL,
                "reason" text,
                "details" jsonb,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_653105538d1c50b76edd12b1152" UNIQUE ("external_id"),
                CONSTRAINT "PK_f4ab337d10ca917f214b79530c1" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "dossier_event_dossier_time" ON "dossier_event" ("dossier_id", "occurred_at")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."satisfaction_level" AS ENUM(
                'VERY_SATISFIED',
                'SATISFIED',
                'NEUTRAL',
                'UNSATISFIED'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "feedback" (
                "id" BIGSERIAL NOT NULL,
                "code" character varying(60) NOT NULL,
                "agency_id" integer NOT NULL,
                "procedure_id" integer,
                "subject" character varying(300) NOT NULL,
                "content" text NOT NULL,
                "sender_name" character varying(200) NOT NULL,
                "sender_contact" character varying(200),
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "answered_at" TIMESTAMP WITH TIME ZONE,
                "answer" text,
                "answered_by" character varying(100),
                "satisfaction" "public"."satisfaction_level",
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_1dbb7725a4168496ba999557e25" UNIQUE ("code"),
                CONSTRAINT "PK_8389f9e087a57689cd5be8b2b13" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "feedback_open_due" ON "feedback" ("due_at")
            WHERE answered_at IS NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "feedback_agency_received" ON "feedback" ("agency_id", "received_at")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."rating_level" AS ENUM(
                'VERY_SATISFIED',
                'SATISFIED',
                'NEUTRAL',
                'UNSATISFIED'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "satisfaction_rating" (
                "dossier_id" bigint NOT NULL,
                "level" "public"."rating_level" NOT NULL,
                "rated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3890050a976a4770d63fa08c37e" PRIMARY KEY ("dossier_id")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."service_commitment_kind" AS ENUM('MAX_WORKING_DAYS', 'FRIDAY_WITHOUT_WAITING')
        `);
        await queryRunner.query(`
            CREATE TABLE "service_commitment" (
                "id" SERIAL NOT NULL,
                "agency_id" integer NOT NULL,
                "procedure_id" integer NOT NULL,
                "kind" "public"."service_commitment_kind" NOT NULL,
                "working_days" integer,
                "cutoff" character varying(5),
                "next_day_at" character varying(5),
                "valid_from" date,
                "valid_to" date,
                CONSTRAINT "PK_f83ce67ea4882ebaab4c111480d" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_8b7e30abc1961ec92a25982c0b" ON "service_commitment" ("agency_id", "procedure_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "agency_procedure" (
                "procedure_id" integer NOT NULL,
                "agency_id" integer NOT NULL,
                CONSTRAINT "PK_937915c2de957109f9d9c077dfa" PRIMARY KEY ("procedure_id", "agency_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_f7fe2e377661371e53afb717e7" ON "agency_procedure" ("procedure_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "IDX_675bb330659c9dcec4821b5be7" ON "agency_procedure" ("agency_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "agency"
            ADD CONSTRAINT "FK_23b82556fb4ce8b297ecc6fbd2f" FOREIGN KEY ("parent_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agency"
            ADD CONSTRAINT "FK_bf22d0d001fcfc9b6bd5efb5edc" FOREIGN KEY ("successor_id") REFERENCES "agency"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD CONSTRAINT "FK_e2a3e4138d48579642f869e3df6" FOREIGN KEY ("procedure_id") REFERENCES "procedure"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD CONSTRAINT "FK_3f5cbeda714fb68df74b43df28a" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier"
            ADD CONSTRAINT "FK_c6a289b9a60f37e1f6b066e0882" FOREIGN KEY ("transferred_to_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier_event"
            ADD CONSTRAINT "FK_4cd971f8d906ca063a61c2b74aa" FOREIGN KEY ("dossier_id") REFERENCES "dossier"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier_event"
            ADD CONSTRAINT "FK_ca5b7879e55a500cfbfae121a92" FOREIGN KEY ("actor_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "feedback"
            ADD CONSTRAINT "FK_87eb6427120a33eaafb265c7540" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "feedback"
            ADD CONSTRAINT "FK_c4b3cbf28b3047f597568726b77" FOREIGN KEY ("procedure_id") REFERENCES "procedure"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "satisfaction_rating"
            ADD CONSTRAINT "FK_3890050a976a4770d63fa08c37e" FOREIGN KEY ("dossier_id") REFERENCES "dossier"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "service_commitment"
            ADD CONSTRAINT "FK_07cfd475c6f7fc0f12caac9051b" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "service_commitment"
            ADD CONSTRAINT "FK_2973bd702735f8409389f14b39b" FOREIGN KEY ("procedure_id") REFERENCES "procedure"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "agency_procedure"
            ADD CONSTRAINT "FK_f7fe2e377661371e53afb717e7d" FOREIGN KEY ("procedure_id") REFERENCES "procedure"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
        await queryRunner.query(`
            ALTER TABLE "agency_procedure"
            ADD CONSTRAINT "FK_675bb330659c9dcec4821b5be75" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE CASCADE ON UPDATE CASCADE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "agency_procedure" DROP CONSTRAINT "FK_675bb330659c9dcec4821b5be75"
        `);
        await queryRunner.query(`
            ALTER TABLE "agency_procedure" DROP CONSTRAINT "FK_f7fe2e377661371e53afb717e7d"
        `);
        await queryRunner.query(`
            ALTER TABLE "service_commitment" DROP CONSTRAINT "FK_2973bd702735f8409389f14b39b"
        `);
        await queryRunner.query(`
            ALTER TABLE "service_commitment" DROP CONSTRAINT "FK_07cfd475c6f7fc0f12caac9051b"
        `);
        await queryRunner.query(`
            ALTER TABLE "satisfaction_rating" DROP CONSTRAINT "FK_3890050a976a4770d63fa08c37e"
        `);
        await queryRunner.query(`
            ALTER TABLE "feedback" DROP CONSTRAINT "FK_c4b3cbf28b3047f597568726b77"
        `);
        await queryRunner.query(`
            ALTER TABLE "feedback" DROP CONSTRAINT "FK_87eb6427120a33eaafb265c7540"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier_event" DROP CONSTRAINT "FK_ca5b7879e55a500cfbfae121a92"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier_event" DROP CONSTRAINT "FK_4cd971f8d906ca063a61c2b74aa"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP CONSTRAINT "FK_c6a289b9a60f37e1f6b066e0882"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP CONSTRAINT "FK_3f5cbeda714fb68df74b43df28a"
        `);
        await queryRunner.query(`
            ALTER TABLE "dossier" DROP CONSTRAINT "FK_e2a3e4138d48579642f869e3df6"
        `);
        await queryRunner.query(`
            ALTER TABLE "agency" DROP CONSTRAINT "FK_bf22d0d001fcfc9b6bd5efb5edc"
        `);
        await queryRunner.query(`
            ALTER TABLE "agency" DROP CONSTRAINT "FK_23b82556fb4ce8b297ecc6fbd2f"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_675bb330659c9dcec4821b5be7"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_f7fe2e377661371e53afb717e7"
        `);
        await queryRunner.query(`
            DROP TABLE "agency_procedure"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_8b7e30abc1961ec92a25982c0b"
        `);
        await queryRunner.query(`
            DROP TABLE "service_commitment"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."service_commitment_kind"
        `);
        await queryRunner.query(`
            DROP TABLE "satisfaction_rating"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."rating_level"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."feedback_agency_received"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."feedback_open_due"
        `);
        await queryRunner.query(`
            DROP TABLE "feedback"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."satisfaction_level"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."dossier_event_dossier_time"
        `);
        await queryRunner.query(`
            DROP TABLE "dossier_event"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."dossier_event_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."dossier_event_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."dossier_agency_received"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."dossier_open_due"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_3f5cbeda714fb68df74b43df28"
        `);
        await queryRunner.query(`
            DROP TABLE "dossier"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."timeliness"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."applicant_kind"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."dossier_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."dossier_channel"
        `);
        await queryRunner.query(`
            DROP TABLE "procedure"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."online_level"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."procedure_level"
        `);
        await queryRunner.query(`
            DROP TABLE "calendar_change"
        `);
        await queryRunner.query(`
            DROP TABLE "calendar_settings"
        `);
        await queryRunner.query(`
            DROP TABLE "calendar_day"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."calendar_day_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_719b21c389fa90b34f95159215"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."IDX_72965c9a168bd3fcdba2ffc3bd"
        `);
        await queryRunner.query(`
            DROP TABLE "agency"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."agency_kind"
        `);
    }

}
