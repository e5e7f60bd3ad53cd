import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type DigestSettings, getDigestSettings, setDigestSettings } from '../../app/digests/digest-settings.js';
import { invalid } from '../../domain/errors.js';
import { adminSchemas } from '../api-docs/api-v1-route-schemas.js';
import { documented } from '../api-docs/documented.js';
import { requireAdmin } from '../auth.js';
import type { RouteOptions } from '../server.js';

type P = { Params: { id: string } };

const view = (s: DigestSettings) => ({
  cadence: s.cadence,
  hour: s.hour,
  weekday: s.weekday,
  email: s.email,
  pending_email: s.pendingEmail,
  undeliverable: s.undeliverable
    ? { at: new Date(s.undeliverable.at).toISOString(), reason: s.undeliverable.reason }
    : null,
  is_default: !s.saved,
});

function partnerId(raw: string): number {
  if (!/^\d{1,12}$/.test(raw))
    throw invalid('invalid_id', `partner id must be a number, got "${raw.slice(0, 20)}"`, 'id');
  return Number(raw);
}

/**
 * The digest part of the partner resource: GET/PATCH /api/v1/partners/:id/digest (admin keys). PATCH takes
 * any of cadence (daily|weekly|monthly|off), hour (0-23), weekday (1 = Monday .. 7), email; a new address
 * is confirmed by mail before digests go to it, as from the chat.
 */
export async function digestSettingsApiRoutes(server: FastifyInstance, { app }: RouteOptions): Promise<void> {
  server.addHook('onRequest', async (req: FastifyRequest) => {
    await requireAdmin(app, req);
  });
  server.get<P>('/partners/:id/digest', documented(adminSchemas.getDigest), async (req) =>
    view(await getDigestSettings(app, partnerId(req.params.id))),
  );
  server.patch<P>('/partners/:id/digest', documented(adminSchemas.patchDigest), async (req) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const num = (k: string) => {
      const v = b[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number') throw invalid(`invalid_${k}`, `${k} must be a number`, k);
      return v;
    };
    const str = (k: string) => {
      const v = b[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw invalid(`invalid_${k}`, `${k} must be a string`, k);
      return v;
    };
    const patch = { cadence: str('cadence'), hour: num('hour'), weekday: num('weekday'), email: str('email') };
    return view(await setDigestSettings(app, partnerId(req.params.id), patch));
  });
}
