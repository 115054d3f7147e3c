import SwaggerParser from '@apidevtools/swagger-parser';
import { orderSagaYaml } from '../support/order-saga';
import { type TestEngine, startTestEngine } from '../support/test-engine';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

describe('OpenAPI document and Swagger UI', () => {
  let engine: TestEngine;

  beforeAll(async () => {
    engine = await startTestEngine({ sagas: { 'order-fulfillment.yaml': orderSagaYaml() } });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('serves an OpenAPI 3.1 document that validates, built from the request schemas', async () => {
    const { status, body } = await engine.request('GET', '/api/openapi.json');
    expect(status).toBe(200);
    await expect(SwaggerParser.validate(structuredClone(body))).resolves.toBeDefined();

    const start = body.paths['/api/sagas'].post.requestBody.content['application/json'].schema;
    expect(start).toMatchObject({ type: 'object', required: ['name', 'input'], additionalProperties: false });
    expect(Object.keys(start.properties)).toEqual(['name', 'input', 'correlationId']);
    const listParameters = body.paths['/api/sagas'].get.parameters.map((p: { name: string }) => p.name);
    expect(listParameters).toEqual(
      expect.arrayContaining([
        'status',
        'name',
        'version',
        'correlationId',
        'failingStep',
        'limit',
        'cursor',
      ]),
    );
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/sagas/{id}/retry',
        '/api/sagas/{id}/abort',
        '/api/stats',
        '/api/dead-letters',
      ]),
    );
  });

  it('describes every JSON response by a named schema generated from zod, never a bare object', async () => {
    const { body } = await engine.request('GET', '/api/openapi.json');
    const schemas = body.components.schemas as Record<
      string,
      { type?: string; properties?: object; additionalProperties?: unknown }
    >;
    const unnamed: string[] = [];
    for (const [path, item] of Object.entries(body.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const ref = response.content?.['application/json']?.schema.$ref;
          if (response.content?.['application/json'] !== undefined && ref === undefined)
            unnamed.push(`${method} ${path} ${status}`);
        }
      }
    }
    expect(unnamed).toEqual([]);
    const bareObjects = Object.entries(schemas)
      .filter(
        ([, schema]) =>
          schema.type === 'object' &&
          schema.properties === undefined &&
          typeof schema.additionalProperties !== 'object',
      )
      .map(([name]) => name);
    expect(bareObjects).toEqual([]);
    expect(schemas.Saga).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['steps']),
    });
  });

  it('serves Swagger UI at /api/docs with its assets', async () => {
    const page = await fetch(`${engine.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/swagger-ui/swagger-ui-bundle.js');
    const bundle = await fetch(`${engine.baseUrl}/assets/swagger-ui/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await fetch(`${engine.baseUrl}/api/docs/init.js`)).status).toBe(200);
  });
});
