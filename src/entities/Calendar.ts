import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CalendarDayKind } from '../domain/enums';
import { LocalDateScalar } from '../schema/scalars';

/**
 * An exception to the Monday–Friday week: a public holiday (Labour Code 2019 art. 112), a
 * weekday given off or a Saturday worked in a swap (the Ministry of Home Affairs' yearly
 * notice). The calendar is data, seeded from the official list and edited by an admin.
 */
@ObjectType({ description: 'A day off or an extra working day in the official calendar.' })
@Entity()
export class CalendarDay {
  @Field(() => LocalDateScalar, { description: 'The local date.' })
  @PrimaryColumn({ type: 'date' })
  date: string;

  @Field(() => CalendarDayKind, { description: 'Day off or extra working day.' })
  @Column({ type: 'enum', enum: CalendarDayKind, enumName: 'calendar_day_kind' })
  kind: CalendarDayKind;

  @Field({ description: 'What the day is, e.g. "Tet (Lunar New Year)".' })
  @Column({ type: 'varchar', length: 200 })
  name: string;
}

/** National office hours (a single row); agencies may set their own on Agency. */
@ObjectType({ description: 'National office hours and time zone used for deadlines.' })
@Entity()
export class CalendarSettings {
  @PrimaryColumn({ type: 'smallint', default: 1 })
  id: number;

  @Field({ description: 'IANA time zone of all deadlines.' })
  @Column({ type: 'varchar', length: 60, default: 'Asia/Ho_Chi_Minh' })
  timeZone: string;

  @Field({ description: 'Office opening time, "08:00".' })
  @Column({ type: 'varchar', length: 5, default: '08:00' })
  officeStart: string;

  @Field({ description: 'Office closing time, "17:00".' })
  @Column({ type: 'varchar', length: 5, default: '17:00' })
  officeEnd: string;
}

/**
 * A year whose official notice the calendar holds in full. Any other year gets the statutory
 * days off computed from the Labour Code (provisional); a row here stops that for its year.
 */
@Entity()
export class CalendarYear {
  @PrimaryColumn({ type: 'smallint' })
  year: number;

  /** Where the year's days come from: the seed file or the notice an admin entered. */
  @Column({ type: 'varchar', length: 200 })
  source: string;
}
