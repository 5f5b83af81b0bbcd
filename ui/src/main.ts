import { mount } from 'svelte';
import App from './App.svelte';
import { type Backend, createBackend } from './lib/backend';
import './app.css';
import { markStep } from './lib/state/readiness';

markStep('script');

/** The host's backend; `?mock` loads the dev-only in-memory host instead (its own chunk). */
async function pickBackend(): Promise<Backend> {
  if (new URLSearchParams(window.location.search).has('mock')) {
    const { MockBackend } = await import('./lib/backend/mock');
    return MockBackend.fromUrl(window.location.search);
  }
  return createBackend();
}

const target = document.getElementById('app');
if (target) {
  void pickBackend().then((backend) => {
    mount(App, { target, props: { backend } });
    markStep('mounted');
  });
}
