import { IsOptional, Max, Min } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireRole } from '../auth/access';
import { CalendarDayKind, Role } from '../domain/enums';
import { STATUTORY_FIRST_YEAR, STATUTORY_LAST_YEAR } from '../domain/statutory-holidays';
import { CalendarDay, CalendarSettings } from '../entities';
import { badInput } from '../domain/errors';
import type { RequestContext } from '../schema/context';
import { LocalDateScalar } from '../schema/scalars';
import { Length } from '../schema/validation';

@ArgsType()
class SetCalendarDayArgs {
  @Field(() => LocalDateScalar, { description: 'The date.' })
  date: string;

  @Field(() => CalendarDayKind, { description: 'Day off or extra working day.' })
  kind: CalendarDayKind;

  @Field({ description: 'What the day is, as in the official notice.' })
  @Length(1, 200)
  name: string;
}

@ArgsType()
class SetCalendarYearOfficialArgs {
  @Field(() => Int, { description: 'The year.' })
  @Min(STATUTORY_FIRST_YEAR)
  @Max(STATUTORY_LAST_YEAR)
  year: number;

  @Field({ description: "True once the year's official notice is entered in full; false to compute its statutory days off again." })
  official: boolean;

  @Field({ nullable: true, description: "The notice the year's days come from, e.g. its number and date." })
  @IsOptional()
  @Length(1, 200)
  source?: string;
}

/** The working-day calendar is public: anyone may check how a due date was computed. */
@Resolver(() => CalendarDay)
export class CalendarResolver {
  @Query(() => [CalendarDay], {
    description:
      'Days off and extra working days between two dates (at most 3 years apart), public. For a year without an official notice, the statutory days off are included, marked `provisional`.',
  })
  calendarDays(@Arg('from', () => LocalDateScalar) from: string, @Arg('to', () => LocalDateScalar) to: string, @Ctx() ctx: RequestContext) {
    if (to < from) throw badInput('to', '`to` must not be before `from`.');
    if (Date.parse(to) - Date.parse(from) > 3 * 366 * 86_400_000) throw badInput('to', 'At most 3 years at a time.');
    return ctx.services.calendars.daysBetween(from, to);
  }

  @FieldResolver(() => Boolean, {
    description:
      'True for a day off computed from the Labour Code 2019 art. 112 for a year whose official notice is not in the calendar: deadlines use it, but the notice may place the holiday otherwise (an admin entry for the date replaces it). False for an entry of the official calendar or an admin.',
  })
  provisional(@Root() day: CalendarDay & { provisional?: boolean }): boolean {
    return day.provisional === true;
  }

  @Mutation(() => CalendarDay, {
    description: 'ADMIN: declare a day off or an extra working day (recorded with who and when). Deadlines already computed do not change.',
  })
  setCalendarDay(@Args() day: SetCalendarDayArgs, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    return ctx.services.calendars.setDay(admin.sub, { date: day.date, kind: day.kind, name: day.name });
  }

  @Mutation(() => Boolean, { description: 'ADMIN: return a date to the Monday–Friday rule; false when it had no entry.' })
  removeCalendarDay(@Arg('date', () => LocalDateScalar) date: string, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    return ctx.services.calendars.removeDay(admin.sub, date);
  }

  @Mutation(() => Boolean, {
    description:
      "ADMIN: mark a year's calendar official (its notice is entered; no provisional days are computed for it) or not; recorded. Returns whether the year is official.",
  })
  setCalendarYearOfficial(@Args() args: SetCalendarYearOfficialArgs, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    return ctx.services.calendars.setYearOfficial(admin.sub, args.year, args.official, args.source ?? 'entered by an administrator');
  }

  @Query(() => CalendarSettings, { description: 'National office hours and time zone used for deadlines, public.' })
  async officeHours(@Ctx() ctx: RequestContext) {
    return ctx.services.calendars.settings();
  }
}
