/**
 * The API reference in docs/ is generated from the OpenAPI document, never written by hand: the
 * committed Markdown is the generator's output, and it names every operation and schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/api/routes.js';
import { renderApiReference } from '../../lib/api-reference.js';
import { COMPONENT_SCHEMAS } from '../../lib/openapi.js';

const committed = readFileSync(new URL('../../docs/api-reference.md', import.meta.url), 'utf8');

describe('docs/api-reference.md', () => {
  it('is what the generator makes from the OpenAPI document (run `npm run openapi` after changing the API)', () => {
    expect(committed).toBe(renderApiReference());
  });

  it('has a section for every operation of the route table and every schema', () => {
    for (const route of ROUTES) {
      expect(committed).toContain(`### ${route.operationId}\n\n\`${route.method} ${route.path}\` — ${route.summary}`);
    }
    for (const name of Object.keys(COMPONENT_SCHEMAS)) expect(committed).toContain(`\n### ${name}\n`);
  });

  it('lists each operation’s parameters, body and answers from the document it is given', () => {
    // Arrange: a document of one operation
    const document = {
      info: { title: 'Example', version: '1' },
      paths: {
        '/v1/things/{id}': {
          get: {
            operationId: 'getThing',
            summary: 'One thing',
            security: [{ cognito: ['example/read'] }],
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
            responses: { '200': { description: 'The thing', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
          },
        },
      },
      components: { schemas: { Thing: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'What it is | called' } } } } },
    };

    // Act
    const reference = renderApiReference(document);

    // Assert
    expect(reference).toContain('| GET | `/v1/things/{id}` | [getThing](#getthing) | `example/read` | 200 |');
    expect(reference).toContain('- **Path** `id`: string (uuid); required');
    expect(reference).toContain('  - 200: The thing — [Thing](#thing) (`application/json`)');
    expect(reference).toContain('| `name` | string | yes | What it is \\| called |');
  });
});
