// The schedule editor and the release calendar against the dev mock host (in-memory example
// project with scheduled steps and freezes), in Europe/Berlin, with the clock at 21 Nov 2026.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MockBackend } from '../backend/mock';
import { AppState } from '../state/app.svelte';
import ScheduleInApp from './testing/ScheduleInApp.svelte';

beforeAll(() => {
  process.env.TZ = 'Europe/Berlin';
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-21T10:00:00Z'));
});
afterAll(() => vi.useRealTimers());
afterEach(cleanup);

async function setup(hash: string) {
  const backend = new MockBackend({ empty: false, extraFlags: 0, fail: null });
  const app = new AppState(backend);
  app.workspaceId = 1;
  app.project = await backend.call('project', { workspaceId: 1 });
  app.flags = await backend.call('listEntities', { workspaceId: 1, kind: 'flag' });
  app.routeFromLocation(hash);
  render(ScheduleInApp, { app });
  return { app, backend };
}

const ids = (id: string, root: ParentNode = document) => [...root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
const setInput = async (el: Element | undefined, value: string) => {
  const input = el as HTMLInputElement;
  input.value = value;
  await fireEvent.input(input);
  await fireEvent.change(input);
};

describe('schedule editor', () => {
  it('adds a five-step template on working days, shows it in local time, with the chart', async () => {
    const { backend } = await setup('#/flags/onboarding-tour/production');
    const tz = await screen.findByTestId('schedule-tz');
    expect(tz.textContent).toBe('Europe/Berlin (CET)');
    await fireEvent.click(screen.getByTestId('schedule-template'));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getAllByTestId('schedule-template-option').find((o) => o.dataset.template === 'gradual')!);
    await setInput(within(dialog).getByTestId('schedule-template-start-date'), '2026-12-03');
    await fireEvent.click(within(dialog).getByTestId('schedule-template-apply'));
    await waitFor(() => expect(ids('schedule-step')).toHaveLength(5));
    expect(ids('schedule-step-date').map((e) => (e as HTMLInputElement).value)).toEqual(['2026-12-03', '2026-12-04', '2026-12-07', '2026-12-08', '2026-12-09']);
    expect(ids('schedule-step-action').map((e) => (e as HTMLSelectElement).value)).toEqual(['rollout', 'rollout', 'rollout', 'rollout', 'variation']);
    expect(screen.getByTestId('exposure-chart').dataset.steps).toBe('5');
    await waitFor(() => expect(screen.getByTestId('save-state').textContent?.trim()).toBe('Saved as draft'));
    const saved = (await backend.call('entity', { workspaceId: 1, entity: { kind: 'flag', key: 'onboarding-tour' } })).json as { environments: { production: { schedule: { at: string }[] } } };
    expect(saved.environments.production.schedule[0]?.at).toBe('2026-12-03T08:00:00Z');
    expect(ids('schedule-problem')).toHaveLength(0);
  });

  it('adds a step after the last one and says in words when a step is in the past or at the same instant', async () => {
    await setup('#/flags/onboarding-tour/production');
    await fireEvent.click(await screen.findByTestId('schedule-add-step'));
    await waitFor(() => expect(ids('schedule-step')).toHaveLength(1));
    expect((ids('schedule-step-date')[0] as HTMLInputElement).value).toBe('2026-11-23');
    await fireEvent.click(screen.getByTestId('schedule-add-step'));
    await waitFor(() => expect(ids('schedule-step')).toHaveLength(2));
    expect((ids('schedule-step-date')[1] as HTMLInputElement).value).toBe('2026-11-24');
    await setInput(ids('schedule-step-date')[1], '2026-11-23');
    await waitFor(() => expect(ids('schedule-problem').map((p) => p.textContent)).toEqual([
      'Step 1 is at the same moment (Mon 23 Nov 2026, 09:00); two steps cannot happen at one instant.',
    ]));
    await setInput(ids('schedule-step-date')[0], '2026-11-20');
    await waitFor(() => expect(ids('schedule-problem').some((p) => p.dataset.index === '0' && p.textContent?.includes('in the past'))).toBe(true));
    // The rollout percentages move together.
    await setInput(ids('schedule-step-percent').find((p) => p.dataset.variation === 'on'), '30');
    await waitFor(() => expect((ids('schedule-step-percent').find((p) => p.dataset.variation === 'off') as HTMLInputElement).value).toBe('70'));
    await fireEvent.click(ids('schedule-step-remove')[1]!);
    await waitFor(() => expect(ids('schedule-step')).toHaveLength(1));
  });
});

describe('release calendar', () => {
  it('shows the month with freezes, warnings, drafts and filters, and links to the flag', async () => {
    await setup('#/calendar');
    const calendar = await screen.findByTestId('calendar');
    await waitFor(() => expect(calendar.dataset.state).toBe('ready'));
    expect(screen.getByTestId('calendar-title').textContent).toBe('November 2026');
    await waitFor(() => expect(ids('calendar-entry').filter((e) => e.dataset.flag === 'new-checkout')).toHaveLength(5));
    const friday = calendar.querySelector<HTMLElement>('[data-date="2026-11-27"]')!;
    expect(friday.classList.contains('frozen')).toBe(true);
    expect(ids('calendar-warning', friday).map((w) => w.dataset.code)).toEqual(['inFreeze']);
    const draft = ids('calendar-entry').find((e) => e.dataset.flag === 'team-workspaces')!;
    expect(draft.dataset.unpublished).toBe('true');
    expect(ids('calendar-warning', draft)[0]?.textContent).toContain('in the past');
    expect(draft.getAttribute('href')).toBe('#/flags/team-workspaces/production');

    await setInput(screen.getByTestId('calendar-filter-env'), 'staging');
    await waitFor(() => expect(new Set(ids('calendar-entry').map((e) => e.dataset.env))).toEqual(new Set(['staging'])));
    expect(calendar.querySelector('[data-date="2026-11-27"]')!.classList.contains('frozen')).toBe(false);
    await setInput(screen.getByTestId('calendar-filter-env'), '');
    await setInput(screen.getByTestId('calendar-filter-tag'), 'design');
    await waitFor(() => expect(new Set(ids('calendar-entry').map((e) => e.dataset.flag))).toEqual(new Set(['hero-image'])));
  });

  it('moves between months, weeks and days', async () => {
    await setup('#/calendar');
    await screen.findByTestId('calendar');
    await fireEvent.click(screen.getByTestId('calendar-next'));
    expect(screen.getByTestId('calendar-title').textContent).toBe('December 2026');
    await fireEvent.click(ids('calendar-mode').find((m) => m.dataset.mode === 'week')!);
    expect(screen.getByTestId('calendar-title').textContent).toBe('30 Nov – 6 Dec 2026');
    await waitFor(() => expect(ids('calendar-warning').filter((w) => w.dataset.code === 'closeSteps')).toHaveLength(2));
    await fireEvent.click(ids('calendar-mode').find((m) => m.dataset.mode === 'day')!);
    await fireEvent.click(screen.getByTestId('calendar-today'));
    expect(screen.getByTestId('calendar-title').textContent).toBe('Sat 21 Nov 2026');
    await fireEvent.click(screen.getByTestId('calendar-prev'));
    expect(screen.getByTestId('calendar-title').textContent).toBe('Fri 20 Nov 2026');
    await waitFor(() => expect(ids('calendar-entry').map((e) => e.dataset.flag)).toEqual(['team-workspaces']));
  });

  it('schedules a rollout from the calendar as a draft, then shows its steps', async () => {
    await setup('#/calendar');
    await screen.findByTestId('calendar');
    await fireEvent.click(screen.getByTestId('calendar-schedule'));
    const dialog = await screen.findByRole('dialog');
    await setInput(within(dialog).getByTestId('calendar-schedule-flag'), 'onboarding-tour');
    await setInput(within(dialog).getByTestId('calendar-schedule-env'), 'production');
    await fireEvent.click(within(dialog).getAllByTestId('schedule-template-option').find((o) => o.dataset.template === 'four-step')!);
    await setInput(within(dialog).getByTestId('schedule-template-start-date'), '2026-12-10');
    const create = within(dialog).getByTestId('calendar-schedule-create') as HTMLButtonElement;
    await waitFor(() => expect(create.disabled).toBe(false));
    await fireEvent.click(create);
    // The calendar moves to the start and shows the four steps: Thu 10, Fri 11, Mon 14, Tue 15 Dec.
    await waitFor(() => expect(screen.getByTestId('calendar-title').textContent).toBe('December 2026'));
    await waitFor(() => expect(ids('calendar-entry').filter((e) => e.dataset.flag === 'onboarding-tour').map((e) => e.closest<HTMLElement>('[data-date]')?.dataset.date)).toEqual(['2026-12-10', '2026-12-11', '2026-12-14', '2026-12-15']));
    expect(ids('calendar-entry').filter((e) => e.dataset.flag === 'onboarding-tour').every((e) => e.dataset.unpublished === 'true')).toBe(true);
  });
});
