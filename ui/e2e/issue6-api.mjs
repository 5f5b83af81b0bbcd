// The app's API from a test (setup and probes only; the tests act through the UI): the token
// comes from the printed address. `missing(...)` says whether the backend lacks an issue-6
// command or the persona kind, so the tests can skip with a clear message until it is merged.

/** Calls one command; resolves with {ok, status, body}. */
export async function call(app, command, args) {
  const token = new URLSearchParams(new URL(app.url).hash.slice(1)).get('token');
  const response = await fetch(`${app.origin}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ command, args }),
  });
  const body = await response.json().catch(() => null);
  return { ok: response.ok, status: response.status, body };
}

/** The result of a command that must succeed. */
export async function must(app, command, args) {
  const answer = await call(app, command, args);
  if (!answer.ok) throw new Error(`${command} failed (${answer.status}): ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Why the backend cannot run `command` yet (an unknown command or kind), or null when it can. */
export async function missing(app, command, args) {
  const answer = await call(app, command, args);
  const message = String(answer.body?.message ?? '');
  if (!answer.ok && answer.body?.code === 'invalidInput' && /not a command of the app|unknown variant/i.test(message)) {
    return `this flagdeck binary does not have "${command}" yet (issue 6 backend not merged): ${message}`;
  }
  return null;
}

/** The id of the workspace that holds `projectDir`. */
export async function workspaceOf(app) {
  const list = await must(app, 'workspaces', {});
  const found = list.find((w) => w.location === app.projectDir) ?? list[0];
  if (!found) throw new Error('no workspace registered');
  return found.id;
}
