import { Arg, Args, ArgsType, Ctx, Field, Mutation, Query, Resolver } from 'type-graphql';
import { requireRole } from '../auth/access';
import { CalendarDayKind, Role } from '../domain/enums';
import { Between } from 'typeorm';
import { CalendarDay, CalendarSettings } from '../entities';
import { badInput } from '../schema/errors';
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

/** The working-day calendar is public: anyone may check how a due date was computed. */
@Resolver()
export class CalendarResolver {
  @Query(() => [CalendarDay], { description: 'Days off and extra working days between two dates (at most 3 years apart), public.' })
  calendarDays(@Arg('from', () => LocalDateScalar) from: string, @Arg('to', () => LocalDateScalar) to: string, @Ctx() ctx: RequestContext) {
    if (to < from) throw badInput('to', '`to` must not be before `from`.');
    if (Date.parse(to) - Date.parse(from) > 3 * 366 * 86_400_000) throw badInput('to', 'At most 3 years at a time.');
    return ctx.services.dataSource.getRepository(CalendarDay).find({ where: { date: Between(from, to) }, order: { date: 'ASC' } });
  }

  @Mutation(() => CalendarDay, { description: 'ADMIN: declare a day off or an extra working day (recorded with who and when). Deadlines already computed do not change.' })
  setCalendarDay(@Args() day: SetCalendarDayArgs, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    return ctx.services.calendars.setDay(admin.sub, { date: day.date, kind: day.kind, name: day.name });
  }

  @Mutation(() => Boolean, { description: 'ADMIN: return a date to the Monday–Friday rule; false when it had no entry.' })
  removeCalendarDay(@Arg('date', () => LocalDateScalar) date: string, @Ctx() ctx: RequestContext) {
    const admin = requireRole(ctx.viewer, [Role.ADMIN]);
    return ctx.services.calendars.removeDay(admin.sub, date);
  }

  @Query(() => CalendarSettings, { description: 'National office hours and time zone used for deadlines, public.' })
  async officeHours(@Ctx() ctx: RequestContext) {
    return (await ctx.services.dataSource.getRepository(CalendarSettings).findOneBy({ id: 1 })) ?? Object.assign(new CalendarSettings(), { id: 1, timeZone: 'Asia/Ho_Chi_Minh', officeStart: '08:00', officeEnd: '17:00' });
  }
}
