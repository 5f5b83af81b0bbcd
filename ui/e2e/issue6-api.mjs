// The app's API from a test (setup and probes only; the tests act through the UI): the token
// comes from the printed address.

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

/** The id of the workspace that holds `projectDir`. */
export async function workspaceOf(app) {
  const list = await must(app, 'workspaces', {});
  const found = list.find((w) => w.location === app.projectDir) ?? list[0];
  if (!found) throw new Error('no workspace registered');
  return found.id;
}
