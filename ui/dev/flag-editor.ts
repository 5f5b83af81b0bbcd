// Dev harness for the flag editor: `npm run dev`, then /dev/flag-editor.html#/flags/new-checkout
// (add ?theme=dark). Not part of the production build (vite builds index.html only).
import { mount } from 'svelte';
import '../src/app.css';
import { AppState } from '../src/lib/state/app.svelte';
import Harness from './Harness.svelte';
import { fakeBackend } from './fakeBackend';
import { flags, project, segments } from './example';

const params = new URLSearchParams(window.location.search);
if (params.get('theme') === 'dark') document.documentElement.dataset.theme = 'dark';
// ?broken: the production default serves a variation that does not exist, to show field errors.
const production = flags[0]?.environments?.production;
if (params.has('broken') && production) production.fallthrough = { variation: 'onn' };

const app: AppState = new AppState(
  fakeBackend(flags, (key) => {
    const id = `flag:${key}`;
    app.entityVersion = { ...app.entityVersion, [id]: (app.entityVersion[id] ?? 0) + 1 };
  }),
);
app.workspaceId = 1;
app.project = project;
app.segments = segments.map((s) => ({
  kind: 'segment', key: s.key, name: s.name, description: null, flagType: null, tags: [], owner: null, state: 'unchanged', environments: [],
}));
app.routeFromLocation(window.location.hash || '#/flags/new-checkout');

const target = document.getElementById('app');
if (target) mount(Harness, { target, props: { app } });
