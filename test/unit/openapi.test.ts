/**
 * The OpenAPI document matches the implementation: it is generated from the route table and
 * the handlers' own schemas, the committed file is that output, and every reference resolves.
 * (The end-to-end tests check live answers against it: see `test/support/api-client.ts`.)
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_FULL_SCOPES, ROUTES } from '../../lambdas/api/routes.js';
import { buildOpenApiDocument, renderOpenApiYaml } from '../../lib/openapi.js';

const committed = readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8');
const document = parse(committed) as { openapi: string; paths: Record<string, Record<string, any>>; components: Record<string, any> };

describe('docs/openapi.yaml', () => {
  it('is what the generator makes from the code (run `npm run openapi` after changing the API)', () => {
    expect(committed).toBe(renderOpenApiYaml());
    expect(document).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('is OpenAPI 3 and has exactly the routes of the route table', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );

    expect(document.openapi).toMatch(/^3\./);
    expect(documented.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it.each(ROUTES.map((route) => [route.operationId, route] as const))('documents %s with its scope, parameters and errors', (_id, route) => {
    const operation = document.paths[route.path]![route.method.toLowerCase()];

    expect(operation.operationId).toBe(route.operationId);
    if ('scope' in route) {
      expect(operation.security).toEqual([{ cognito: [`pdf-pipeline/${route.scope}`] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
    } else {
      expect(operation.security).toEqual([]);
    }
    const parameterNames = (operation.parameters ?? []).map((parameter: { name: string }) => parameter.name);
    for (const name of [...('queryParameters' in route ? route.queryParameters : []), ...('headerParameters' in route ? route.headerParameters : [])]) {
      expect(parameterNames).toContain(name);
    }
    for (const [status, response] of Object.entries<any>(operation.responses)) {
      if (Number(status) >= 400) expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    }
  });

  it('names every scope of the API and resolves every reference', () => {
    expect(Object.keys(document.components.securitySchemes.cognito.flows.authorizationCode.scopes).sort()).toEqual([...ALL_FULL_SCOPES].sort());
    const references = [...committed.matchAll(/\$ref: "#\/components\/(\w+)\/(\w+)"/g)];
    expect(references.length).toBeGreaterThan(20);
    for (const [, section, name] of references) expect(document.components[section!]?.[name!], `${section}/${name}`).toBeDefined();
  });

  it('rejects unknown fields in the upload request, as the handler and the gateway model do', () => {
    expect(document.components.schemas.CreateUploadRequest).toMatchObject({
      additionalProperties: false,
      required: ['filename', 'size'],
    });
  });
});
