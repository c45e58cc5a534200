import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { Between } from 'typeorm';
import { CalendarDay, CalendarSettings } from '../entities';
import { badInput } from '../schema/errors';
import type { RequestContext } from '../schema/context';
import { LocalDateScalar } from '../schema/scalars';

/** The working-day calendar is public: anyone may check how a due date was computed. */
@Resolver()
export class CalendarResolver {
  @Query(() => [CalendarDay], { description: 'Days off and extra working days between two dates (at most 3 years apart), public.' })
  calendarDays(@Arg('from', () => LocalDateScalar) from: string, @Arg('to', () => LocalDateScalar) to: string, @Ctx() ctx: RequestContext) {
    if (to < from) throw badInput('to', '`to` must not be before `from`.');
    if (Date.parse(to) - Date.parse(from) > 3 * 366 * 86_400_000) throw badInput('to', 'At most 3 years at a time.');
    return ctx.services.dataSource.getRepository(CalendarDay).find({ where: { date: Between(from, to) }, order: { date: 'ASC' } });
  }

  @Query(() => CalendarSettings, { description: 'National office hours and time zone used for deadlines, public.' })
  async officeHours(@Ctx() ctx: RequestContext) {
    return (await ctx.services.dataSource.getRepository(CalendarSettings).findOneBy({ id: 1 })) ?? Object.assign(new CalendarSettings(), { id: 1, timeZone: 'Asia/Ho_Chi_Minh', officeStart: '08:00', officeEnd: '17:00' });
  }
}
