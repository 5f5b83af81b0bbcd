// Sensible first values for new steps and plans: the next working day at 09:00 local time.
import { localDate, workingDayFrom, type LocalDateTime } from './time';

/** 09:00 on the next working day after `now` (tomorrow, or Monday after a Friday). */
export function defaultStart(now: number): LocalDateTime {
  const today = new Date(now);
  const tomorrowNine = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1, 9, 0, 0, 0);
  return { date: localDate(workingDayFrom(tomorrowNine.getTime())), time: '09:00' };
}
