// Validates real HTTP answers against the OFREP OpenAPI 3.1 file: the response object for the
// operation and status must exist, a body must match its JSON Schema (2020-12, through ajv),
// an answer without content (304) must be empty, and declared headers (the bulk ETag) present.
//
// Two readings of OFREP 0.3's `evaluationSuccess` are applied, because taken literally its
// `oneOf` of value shapes matches no response that has a value: `codeDefaultFlag` is
// `{type: object, properties: {}}`, which every object satisfies, and an integer is also a
// `floatFlag` number. So `codeDefaultFlag` is read as "no `value`" (what its description says)
// and the `oneOf` as `anyOf`; an array, `null` or a missing key still fail. `literalSpec: true`
// validates without these readings (the test shows why they are needed).

import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';

const ID = 'ofrep.json';

export const PATHS = {
  single: '/ofrep/v1/evaluate/flags/{key}',
  bulk: '/ofrep/v1/evaluate/flags',
};

export function loadValidator(specPath, { literalSpec = false } = {}) {
  const doc = YAML.parse(readFileSync(specPath, 'utf8'));
  const schemas = structuredClone(doc.components);
  if (!literalSpec) {
    const shapes = schemas.schemas.evaluationSuccess.allOf[1];
    shapes.anyOf = shapes.oneOf;
    delete shapes.oneOf;
    schemas.schemas.codeDefaultFlag.not = { required: ['value'] };
  }
  // OpenAPI's `example` and the `float` format are annotations here, not checks.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: ID, components: schemas });
  const compiled = new Map();
  const validatorFor = (ref) => {
    if (!compiled.has(ref)) compiled.set(ref, ajv.compile({ $ref: `${ID}${ref}` }));
    return compiled.get(ref);
  };

  /** Problems of one answer (empty: valid). `body` is the raw text. */
  function check({ path, status, body, headers }) {
    const operation = doc.paths[PATHS[path]]?.post;
    if (!operation) return [`no operation for ${path}`];
    const response = operation.responses[String(status)];
    if (!response) return [`status ${status} is not a response of POST ${PATHS[path]}`];
    const problems = [];
    for (const name of Object.keys(response.headers ?? {})) {
      if (name.toLowerCase() === 'retry-after') continue;
      if (!headers.get(name)) problems.push(`header ${name} missing`);
    }
    const media = response.content?.['application/json'];
    if (!media) {
      if (body.length > 0) problems.push(`status ${status} must have no body, got ${body.length} bytes`);
      return problems;
    }
    if (!/^application\/json/.test(headers.get('content-type') ?? '')) {
      problems.push(`content-type is ${headers.get('content-type')}, not application/json`);
    }
    let json;
    try {
      json = JSON.parse(body);
    } catch (e) {
      return [...problems, `body is not JSON: ${e.message}`];
    }
    const ref = media.schema?.$ref;
    if (!ref) return [...problems, 'the response schema is not a $ref'];
    const validate = validatorFor(ref);
    if (!validate(json)) {
      problems.push(
        ...validate.errors.map((e) => `${ref}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
      );
    }
    return problems;
  }

  return { check };
}
