// The OFREP preview server (`flagdeck preview-server`) from the outside:
// 1. its real answers validated against ../shared/conformance/ofrep/openapi.yaml (skipped with a
//    message when that folder is not beside the checkout), and the validator shown to fail;
// 2. a real OpenFeature SDK (@openfeature/server-sdk with @openfeature/ofrep-provider) sees an
//    unpublished variation and a pinned one.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { OpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';

import { loadValidator } from './openapi-validator.mjs';
import { repoRoot, setBanner, startPreviewServer, unpublishedProject } from './preview-server.mjs';

// OFREP_OPENAPI: another place for the file (a worktree that has no ../shared beside it).
const SPEC = process.env.OFREP_OPENAPI ?? join(repoRoot, '..', 'shared', 'conformance', 'ofrep', 'openapi.yaml');
const NO_SPEC = existsSync(SPEC)
  ? false
  : `skipped: ${SPEC} is absent (the conformance folder lives beside the checkout in CI)`;

const PIN = 'max-cart-items=medium';
let project;
let server;

before(async () => {
  project = unpublishedProject('green');
  server = await startPreviewServer(project.dir, { pins: [PIN] });
});

after(async () => {
  await server?.stop();
  project?.cleanup();
});

async function post(path, body, headers = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const single = (key, context, env = '') =>
  post(`${env}/ofrep/v1/evaluate/flags/${key}`, { context });
const bulk = (context, headers, env = '') => post(`${env}/ofrep/v1/evaluate/flags`, { context }, headers);

describe('answers against the OpenAPI file', { skip: NO_SPEC }, () => {
  test('every kind of answer the server gives is valid', async () => {
    const { check } = loadValidator(SPEC);
    const user = { targetingKey: 'designer-1' };
    const answers = {
      'string value': ['single', await single('banner-color', user)],
      'integer value, pinned': ['single', await single('max-cart-items', user)],
      'boolean value': ['single', await single('new-checkout', user)],
      'object value': ['single', await single('pricing-table', user)],
      'code default (disabled)': ['single', await single('mobile-payments', user)],
      'flag not found': ['single', await single('no-such-flag', user)],
      'parse error': ['single', await post('/ofrep/v1/evaluate/flags/banner-color', '{"context":')],
      'invalid context': ['single', await post('/ofrep/v1/evaluate/flags/banner-color', { context: 3 })],
      'targeting key missing': [
        'single',
        await single('banner-color', { country: 'DE' }, '/env/production'),
      ],
      bulk: ['bulk', await bulk(user)],
      'bulk with a per-flag failure': ['bulk', await bulk({ country: 'DE' }, {}, '/env/production')],
      'bulk refused': ['bulk', await post('/ofrep/v1/evaluate/flags', '[]')],
    };
    const first = answers.bulk[1];
    answers['bulk not modified'] = ['bulk', await bulk(user, { 'If-None-Match': first.headers.get('etag') })];

    const expected = {
      'string value': 200,
      'integer value, pinned': 200,
      'boolean value': 200,
      'object value': 200,
      'code default (disabled)': 200,
      'flag not found': 404,
      'parse error': 400,
      'invalid context': 400,
      'targeting key missing': 400,
      bulk: 200,
      'bulk with a per-flag failure': 200,
      'bulk refused': 400,
      'bulk not modified': 304,
    };
    for (const [name, [path, answer]] of Object.entries(answers)) {
      assert.equal(answer.status, expected[name], `${name}: ${answer.body}`);
      assert.deepEqual(check({ path, ...answer }), [], `${name}: ${answer.body}`);
    }
    // The answers above cover what they claim to.
    assert.equal(JSON.parse(answers['code default (disabled)'][1].body).value, undefined);
    assert.ok(Number.isInteger(JSON.parse(answers['integer value, pinned'][1].body).value));
    assert.match(answers['bulk with a per-flag failure'][1].body, /TARGETING_KEY_MISSING/);
  });

  test('the validator fails on broken answers', () => {
    const { check } = loadValidator(SPEC);
    const json = (status, body, headers = {}) => ({
      status,
      body: JSON.stringify(body),
      headers: new Headers({ 'content-type': 'application/json', ...headers }),
    });
    const broken = {
      'an array value': ['single', json(200, { key: 'a', value: [1], reason: 'STATIC' })],
      'a reason OFREP 0.3 lacks': ['single', json(200, { key: 'a', value: true, reason: 'DEFAULT' })],
      'no key': ['single', json(200, { value: true, reason: 'STATIC' })],
      'metadata with an object': [
        'single',
        json(200, { key: 'a', value: true, reason: 'STATIC', metadata: { x: {} } }),
      ],
      'not found without a code': ['single', json(404, { key: 'a' })],
      'an unknown error code': ['single', json(400, { key: 'a', errorCode: 'TYPE_MISMATCH' })],
      'a status the spec lacks': ['single', json(418, {})],
      'a bulk without ETag': ['bulk', json(200, { flags: [] })],
      'a bulk flag without reason': ['bulk', json(200, { flags: [{ key: 'a', value: 1 }] }, { etag: '"x"' })],
      'a 304 with a body': ['bulk', { status: 304, body: '{}', headers: new Headers({ etag: '"x"' }) }],
      'not JSON': ['single', { status: 200, body: 'on', headers: new Headers({ 'content-type': 'text/plain' }) }],
    };
    for (const [name, [path, answer]] of Object.entries(broken)) {
      assert.notDeepEqual(check({ path, ...answer }), [], `${name} must be refused`);
    }
    const good = json(200, { key: 'a', value: 3, reason: 'SPLIT', variant: 'x', metadata: { pinned: true } });
    assert.deepEqual(check({ path: 'single', ...good }), []);
  });

  test('why two readings of the file are needed: literally, no answer with a value is valid', () => {
    const literal = loadValidator(SPEC, { literalSpec: true });
    const answer = {
      path: 'single',
      status: 200,
      body: JSON.stringify({ key: 'discount-banner', value: true, reason: 'TARGETING_MATCH', variant: 'enabled' }),
      headers: new Headers({ 'content-type': 'application/json' }),
    };
    // The OpenAPI file's own example, refused by its own schema (codeDefaultFlag matches too).
    assert.match(literal.check(answer).join('\n'), /oneOf/);
  });
});

describe('a real OpenFeature SDK', () => {
  test('@openfeature/ofrep-provider sees the unpublished and the pinned variation', async () => {
    // The change is in the working folder only: HEAD still serves orange.
    assert.equal(project.git('status', '--porcelain').trim(), 'M flags/banner-color.json');
    assert.match(project.git('show', 'HEAD:flags/banner-color.json'), /"variation": "orange"/);

    await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: server.url }));
    const client = OpenFeature.getClient();
    const context = { targetingKey: 'designer-1' };

    const banner = await client.getStringDetails('banner-color', '#000000', context);
    assert.equal(banner.value, '#43a047');
    assert.equal(banner.variant, 'green');
    assert.equal(banner.errorCode, undefined);

    const pinned = await client.getNumberDetails('max-cart-items', 0, context);
    assert.equal(pinned.variant, 'medium');
    assert.equal(pinned.reason, 'STATIC');
    assert.equal(pinned.flagMetadata.pinned, true);

    // An edit shows on the next evaluation.
    setBanner(project.dir, 'blue');
    const edited = await client.getStringDetails('banner-color', '#000000', context);
    assert.equal(edited.variant, 'blue');

    const missing = await client.getBooleanDetails('no-such-flag', false, context);
    assert.equal(missing.value, false);
    assert.equal(missing.errorCode, 'FLAG_NOT_FOUND');
    await OpenFeature.close();
  });
});
