// Sensible first values for new steps and plans: the next working day at 09:00 local time.
import { instantOf, localDate, wallClockOf, workingDayFrom, type LocalDateTime } from './time';

/** 09:00 on the next working day after `now` (tomorrow, or Monday after a Friday). */
export function defaultStart(now: number): LocalDateTime {
  const today = wallClockOf(now);
  const tomorrowNine = instantOf(today.year, today.month, today.day + 1, 9, 0);
  return { date: localDate(workingDayFrom(tomorrowNine)), time: '09:00' };
}
