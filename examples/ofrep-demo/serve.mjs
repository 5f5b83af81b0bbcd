// A tiny static server for the demo on 127.0.0.1: the page, and the OpenFeature packages
// from node_modules. `node serve.mjs [--port N]` prints the page's address.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
const ALLOWED = ['index.html', 'app.js', 'style.css', `node_modules${sep}@openfeature${sep}`];

export function startDemoServer(port = 0) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, 'http://localhost').pathname;
    const relative = normalize(decodeURIComponent(path === '/' ? '/index.html' : path)).replace(/^[/\\]+/, '');
    const allowed = ALLOWED.some((prefix) => relative === prefix || (prefix.endsWith(sep) && relative.startsWith(prefix)));
    if (request.method !== 'GET' || !allowed || relative.includes('..')) {
      response.writeHead(404).end('not found');
      return;
    }
    try {
      const body = await readFile(join(root, relative));
      response.writeHead(200, { 'Content-Type': TYPES[extname(relative)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--port');
  const { url } = await startDemoServer(at > 0 ? Number(process.argv[at + 1]) : 5173);
  console.log(`${url}/?ofrep=http://127.0.0.1:8016`);
}
