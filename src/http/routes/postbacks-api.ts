import type { FastifyInstance, FastifyRequest } from 'fastify';
import { getDelivery, listDeliveries, listTestFires } from '../../app/postbacks/list-deliveries.js';
import { getPostback, listPostbacks } from '../../app/postbacks/list-postbacks.js';
import type { Actor } from '../../app/postbacks/postback-input.js';
import { previewPostbackInput } from '../../app/postbacks/preview-postback.js';
import { replayDeliveries } from '../../app/postbacks/replay-deliveries.js';
import { deletePostback, savePostback } from '../../app/postbacks/save-postback.js';
import { type TestFireResult, testFirePostback } from '../../app/postbacks/test-fire-postback.js';
import { AppError } from '../../domain/errors.js';
import { documented } from '../api-docs/documented.js';
import { postbackSchemas as S } from '../api-docs/postback-route-schemas.js';
import { authenticate } from '../auth.js';
import type { RouteOptions } from '../server.js';

type IdParams = { id: string };
type Body = Record<string, unknown>;

/**
 * Postback settings, test fire, delivery log and replay. Admin keys manage every partner's postbacks; a
 * partner key only its own partner's (others' answer 404, as if they did not exist).
 */
export async function postbacksApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  const actor = async (req: FastifyRequest): Promise<Actor> => {
    const p = await authenticate(app, req);
    if (p.role === 'admin') return { partnerId: null };
    if (p.partnerId === null) {
      throw new AppError('forbidden', 'key_without_partner', 'this partner key is tied to no partner; issue a new one');
    }
    return { partnerId: p.partnerId };
  };
  const body = (req: FastifyRequest): Body => {
    const b = req.body;
    return b && typeof b === 'object' && !Array.isArray(b) ? (b as Body) : {};
  };

  server.get('/postbacks', documented(S.list), async (req) => listPostbacks(app, await actor(req), req.query as Body));
  server.post('/postbacks', documented(S.create), async (req, reply) =>
    reply.status(201).send(await savePostback(app, await actor(req), req.body ?? {})),
  );
  server.post('/postbacks/preview', documented(S.preview), async (req) => {
    await actor(req);
    return previewPostbackInput(req.body ?? {});
  });
  // Test an unsaved URL: the guided set-up fires before it saves.
  server.post('/postbacks/test', documented(S.testUnsaved), async (req) => {
    const b = body(req);
    const r = await testFirePostback(app, await actor(req), {
      url: typeof b['url'] === 'string' ? b['url'] : undefined,
      method: b['method'] === 'POST' ? 'POST' : 'GET',
      bodyFormat: b['body_format'] === 'json' || b['body_format'] === 'form' ? b['body_format'] : 'none',
      bodyTemplate: typeof b['body_template'] === 'string' ? b['body_template'] : '',
      conversionId: b['conversion_id'],
    });
    return testFireView(r);
  });
  server.get<{ Params: IdParams }>('/postbacks/:id', documented(S.get), async (req) =>
    getPostback(app, await actor(req), req.params.id),
  );
  server.patch<{ Params: IdParams }>('/postbacks/:id', documented(S.update), async (req) =>
    savePostback(app, await actor(req), req.body ?? {}, req.params.id),
  );
  server.delete<{ Params: IdParams }>('/postbacks/:id', documented(S.remove), async (req) =>
    deletePostback(app, await actor(req), req.params.id),
  );
  server.post<{ Params: IdParams }>('/postbacks/:id/test', documented(S.testSaved), async (req) =>
    testFireView(
      await testFirePostback(app, await actor(req), {
        postbackId: req.params.id,
        conversionId: body(req)['conversion_id'],
      }),
    ),
  );

  server.get('/deliveries', documented(S.deliveries), async (req) =>
    listDeliveries(app, await actor(req), req.query as Body),
  );
  // Test fires belong to no delivery; listed here, each marked kind "test".
  server.get('/deliveries/tests', documented(S.testFires), async (req) =>
    listTestFires(app, await actor(req), req.query as Body),
  );
  server.get<{ Params: IdParams }>('/deliveries/:id', documented(S.delivery), async (req) =>
    getDelivery(app, await actor(req), req.params.id),
  );
  server.post('/deliveries/replay', documented(S.replay), async (req) =>
    replayDeliveries(app, await actor(req), req.body ?? {}),
  );
}

/**
 * A test fire as the API shows it: snake_case and named like an attempt of the delivery log (`url`, `status`,
 * `duration_ms`, `response_snippet`, ...), where a test of a saved postback is listed afterwards, so a client
 * reads both with one parser; plus the body sent and `ok`. The bot and the CLI use the result as it is.
 */
function testFireView(r: TestFireResult) {
  return {
    url: r.expandedUrl,
    method: r.method,
    body: r.body,
    ok: r.ok,
    status: r.status,
    duration_ms: r.durationMs,
    response_snippet: r.bodySnippet,
    error_class: r.errorClass,
    error_message: r.errorMessage,
  };
}
