/**
 * What the `digest` verbs run, loaded on first use (like use-cases.ts), so that registering the verbs with
 * commander loads neither MJML, nodemailer nor the report engine and `partnerdesk --help` stays light.
 */
export { default as nodemailer } from 'nodemailer';
export { previewDigest } from '../app/digests/preview-digest.js';
export { type DigestSendDeps, processDigest } from '../app/digests/process-digest.js';
export { requestDigest } from '../app/digests/request-digest.js';
export { tickDigests } from '../app/digests/tick-digests.js';
export { listUndeliverable } from '../db/repositories/digest-subscriptions.js';
export { findUndispatchedDigests, listRecentDigests, markDigestsQueued } from '../db/repositories/digests.js';
export { compileDigestTemplate } from '../mail/digest-template.js';
export { createMailTransport } from '../mail/transport.js';
