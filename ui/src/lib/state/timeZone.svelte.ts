// The time zone dates are shown in: the computer's own (the default) or one the person picked in
// Settings, remembered across launches like the theme. Screens read `displayZone()`, so a pick
// applies everywhere at once.
import { isZone, systemZone } from './zones';

export { ago, formatWhen, isZone, knownZones, systemZone } from './zones';

const KEY = 'flagdeck.timeZone';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function saved(): string | null {
  const zone = storage()?.getItem(KEY) ?? null;
  return zone && isZone(zone) ? zone : null;
}

/** `null`: follow the computer. */
const chosen = $state<{ zone: string | null }>({ zone: saved() });

/** The zone every date on screen is in. */
export function displayZone(): string {
  return chosen.zone ?? systemZone();
}

/** The picked zone, or null when dates follow the computer's. */
export function chosenZone(): string | null {
  return chosen.zone;
}

/** Picks a zone (null: the computer's again) and remembers it. */
export function setDisplayZone(zone: string | null): void {
  const next = zone && isZone(zone) ? zone : null;
  chosen.zone = next;
  if (next === null) storage()?.removeItem(KEY);
  else storage()?.setItem(KEY, next);
}
