import { Counter, type Registry } from 'prom-client';

export type DigestCount = 'due' | 'sent' | 'failed' | 'skipped';

/** partnerdesk_digests_total{outcome}: due (a tick found it due), sent, failed, skipped (unsubscribed meanwhile). */
export function digestCounter(registry: Registry): (outcome: DigestCount, n?: number) => void {
  const name = 'partnerdesk_digests_total';
  const c =
    (registry.getSingleMetric(name) as Counter<'outcome'> | undefined) ??
    new Counter({ name, help: 'Digests by outcome', labelNames: ['outcome'], registers: [registry] });
  return (outcome, n = 1) => c.inc({ outcome }, n);
}
