import type { FastifySchema } from 'fastify';
import { CreatePostbackSchema, UpdatePostbackSchema } from '../../app/postbacks/postback-input.js';
import { PreviewSchema } from '../../app/postbacks/preview-postback.js';
import { ReplaySchema } from '../../app/postbacks/replay-deliveries.js';
import { err, keyed, ok, withId } from './describe.js';
import * as R from './response-schemas.js';
import * as W from './wire-schemas.js';

/** The `schema` of the postback relay's routes under /api/v1 (a partner key sees only its own). */

const notFound = err("Unknown id, or another partner's (a partner key sees only its own).");
const op = (summary: string, s: Parameters<typeof keyed>[2]): FastifySchema => keyed('postbacks', summary, s);
const postbackId = withId('postback');
const pbExample = { url: 'https://tracker.example.com/pb?click={ref_id}&sum={payout}&status={status}' };

export const postbackSchemas = {
  list: op('List postbacks', { querystring: W.PostbackQuery, response: { 200: ok(R.PostbackList) } }),
  create: op('Create a postback', {
    description: 'A partner key creates for its own partner; an admin key names partner_id.',
    body: CreatePostbackSchema.meta({ examples: [{ partner_id: 7, ...pbExample }] }),
    response: { 201: ok(R.Postback, 'Created') },
  }),
  preview: op('Preview a postback URL', {
    description: 'The URL (and body) as it would be sent for a sample conversion; syntax only, nothing is sent.',
    body: PreviewSchema.meta({ examples: [pbExample] }),
    response: { 200: ok(R.PostbackPreview) },
  }),
  testUnsaved: op('Test-fire an unsaved postback URL', {
    body: W.TestFireBody,
    response: { 200: ok(W.TestFireResult) },
  }),
  get: op('Get a postback', { params: postbackId, response: { 200: ok(R.PostbackListItem), 404: notFound } }),
  update: op('Change a postback', {
    params: postbackId,
    body: UpdatePostbackSchema.meta({ examples: [{ enabled: false }] }),
    response: { 200: ok(R.Postback), 404: notFound },
  }),
  remove: op('Delete a postback', { params: postbackId, response: { 200: ok(R.Deleted), 404: notFound } }),
  testSaved: op('Test-fire a saved postback', {
    params: postbackId,
    body: W.TestFireBody.pick({ conversion_id: true }).optional(),
    response: { 200: ok(W.TestFireResult), 404: notFound },
  }),
  deliveries: op('List deliveries', { querystring: W.DeliveryQuery, response: { 200: ok(R.DeliveryPage) } }),
  testFires: op('List test fires', {
    description: 'Test fires belong to no delivery; each is listed with kind "test".',
    querystring: W.DeliveryQuery,
    response: { 200: ok(R.DeliveryPage) },
  }),
  delivery: op('Get a delivery with its attempts', {
    params: withId('delivery'),
    response: { 200: ok(R.Delivery), 404: notFound },
  }),
  replay: op('Replay deliveries', {
    description: 'Queues the chosen deliveries again; the relay sends them as new attempts.',
    body: ReplaySchema.meta({ examples: [{ postback_id: 4, state: 'dead' }] }),
    response: { 200: ok(R.Replayed) },
  }),
};
