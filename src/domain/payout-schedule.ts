import { addDays, formatDate, type LocalDate, localDate, startOfDay } from './period.js';

export type PayoutSchedule = 'weekly' | 'biweekly' | 'monthly';

/**
 * The next payout day after `now`, as a local date in `timezone`. Payout runs happen on Mondays (weekly),
 * the 1st and 15th (biweekly) or the 1st of the month (monthly), so "today" counts only before it starts.
 */
export function nextPayoutDate(schedule: string, now: number, timezone: string): string {
  const today = localDate(now, timezone);
  const tomorrow = addDays(today, 1);
  let d: LocalDate;
  if (schedule === 'weekly') {
    const dow = new Date(Date.UTC(tomorrow.year, tomorrow.month - 1, tomorrow.day)).getUTCDay(); // 0 = Sunday
    d = addDays(tomorrow, (8 - dow) % 7);
  } else if (schedule === 'biweekly') {
    d =
      tomorrow.day <= 15 && tomorrow.day > 1
        ? { year: tomorrow.year, month: tomorrow.month, day: 15 }
        : tomorrow.day === 1
          ? tomorrow
          : firstOfNextMonth(tomorrow);
  } else {
    d = tomorrow.day === 1 ? tomorrow : firstOfNextMonth(tomorrow);
  }
  // Normalise through the zone so the label is a real local day.
  return formatDate(localDate(startOfDay(d, timezone), timezone));
}

function firstOfNextMonth(d: LocalDate): LocalDate {
  return d.month === 12 ? { year: d.year + 1, month: 1, day: 1 } : { year: d.year, month: d.month + 1, day: 1 };
}
