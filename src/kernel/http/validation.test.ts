import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify from 'fastify';
import { createSchemaCompilers } from './validation.js';

it('compiles a route\'s validator and serializer on its first request, with the same answers as compiled at start', async () => {
  const compilers = createSchemaCompilers();
  const app = Fastify({ exposeHeadRoutes: false, schemaController: { compilersFactory: { buildSerializer: compilers.buildSerializer } } });
  app.setValidatorCompiler(compilers.validatorCompiler);
  const body = { type: 'object', required: ['n'], additionalProperties: false, properties: { n: { type: 'integer', minimum: 1 } } };
  const response = { 200: { type: 'object', properties: { twice: { type: 'integer' } } } };
  app.post('/twice', { schema: { body, response } }, async (req) => ({ twice: (req.body as { n: number }).n * 2, secret: 'not in the schema' }));
  app.get('/other/:id', { schema: { params: { type: 'object', properties: { id: { type: 'integer' } } }, response } }, async (req) => ({ twice: (req.params as { id: number }).id }));
  await app.ready();
  try {
    // Three validators and serializers registered (body; params; a response each), none compiled yet.
    const ok = await app.inject({ method: 'POST', url: '/twice', payload: { n: 21 } });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { twice: 42 }, 'the serializer writes only what the schema declares');
    const bad = await app.inject({ method: 'POST', url: '/twice', payload: { n: 0, extra: true } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /body\/n must be >= 1|must NOT have additional properties/, 'the errors of a lazily compiled validator reach Fastify');
    assert.equal(compilers.compileAll(), 2, 'the other route\'s params validator and serializer were still waiting');
    assert.equal(compilers.compileAll(), 0);
    assert.deepEqual((await app.inject({ method: 'GET', url: '/other/7' })).json(), { twice: 7 }, 'params are coerced as before');
  } finally {
    await app.close();
  }
});

it('reports a schema that does not compile when everything is compiled, not at registration', async () => {
  const compilers = createSchemaCompilers();
  const app = Fastify();
  app.setValidatorCompiler(compilers.validatorCompiler);
  app.post('/broken', { schema: { body: { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } } } }, async () => ({}));
  await app.ready();
  try {
    assert.throws(() => compilers.compileAll(), /can't resolve reference|missing/);
  } finally {
    await app.close();
  }
});
