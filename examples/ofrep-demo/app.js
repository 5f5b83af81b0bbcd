// The "product": reads its flags through OpenFeature's web SDK and the OFREP web provider.
// Point it at Flagdeck's preview server with ?ofrep=http://127.0.0.1:PORT (and optionally
// ?user=<targetingKey>, ?env=<environment>).

import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

const params = new URLSearchParams(location.search);
const server = params.get('ofrep') ?? 'http://127.0.0.1:8016';
const env = params.get('env');
const baseUrl = env ? `${server}/env/${encodeURIComponent(env)}` : server;
const user = params.get('user') ?? 'designer-1';

const FLAGS = [
  ['banner-color', 'string', '#8a8f9c'],
  ['max-cart-items', 'number', 10],
  ['new-checkout', 'boolean', false],
];

const $ = (id) => document.getElementById(id);

function render(client) {
  const rows = FLAGS.map(([key, type, fallback]) => {
    const details =
      type === 'string'
        ? client.getStringDetails(key, fallback)
        : type === 'number'
          ? client.getNumberDetails(key, fallback)
          : client.getBooleanDetails(key, fallback);
    return { key, ...details };
  });
  const banner = rows[0];
  $('banner').style.background = banner.value;
  $('banner').dataset.variant = banner.variant ?? '';
  $('banner-detail').textContent = `Banner colour: ${banner.variant ?? 'code default'} (${banner.value})`;
  $('flags').replaceChildren(
    ...rows.map((row) => {
      const tr = document.createElement('tr');
      tr.dataset.flag = row.key;
      for (const text of [row.key, JSON.stringify(row.value), row.variant ?? '—', row.errorCode ?? row.reason]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      if (row.flagMetadata?.pinned) {
        const badge = document.createElement('span');
        badge.className = 'pinned';
        badge.textContent = 'pinned';
        tr.children[2].append(badge);
      }
      return tr;
    }),
  );
  $('status').dataset.state = 'ready';
  $('status').textContent = `Evaluated for ${user} at ${new Date().toLocaleTimeString()}`;
}

async function main() {
  $('source').textContent = `flags from ${baseUrl}`;
  await OpenFeature.setContext({ targetingKey: user });
  // No local cache (a preview shows what is there now); poll every 2 s, cheap thanks to ETags.
  const provider = new OFREPWebProvider({ baseUrl, pollInterval: 2000, cacheMode: 'disabled' });
  await OpenFeature.setProviderAndWait(provider);
  const client = OpenFeature.getClient();
  render(client);
  client.addHandler(ProviderEvents.ConfigurationChanged, () => render(client));
}

main().catch((error) => {
  $('status').dataset.state = 'error';
  $('status').textContent = `The preview server did not answer: ${error.message}`;
});
