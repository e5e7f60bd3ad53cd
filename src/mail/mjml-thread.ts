/**
 * Worker-thread side of compileMjml (mjml-compile.ts): runs MJML once and hands back the HTML and errors.
 * MJML and its dependencies (HTML parsers, CSS inliner, beautifier) stay in this thread's heap, which is
 * freed when the thread exits, instead of sitting in the digest worker's heap for its whole life.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mjml2html from 'mjml';

export interface MjmlJob {
  source: string;
  file: string;
  includePath: string;
}

export type MjmlAnswer = { html: string; errors: string[] } | { failed: string };

if (parentPort) {
  const job = workerData as MjmlJob;
  const port = parentPort;
  mjml2html(job.source, {
    validationLevel: 'strict',
    filePath: job.file,
    // MJML 5 ignores mj-include unless asked; includes are allowed from templates/ only.
    ignoreIncludes: false,
    includePath: job.includePath,
    keepComments: false,
  }).then(
    (r) => port.postMessage({ html: r.html, errors: r.errors.map((e) => e.formattedMessage) } satisfies MjmlAnswer),
    (err: unknown) => port.postMessage({ failed: (err as Error).message ?? String(err) } satisfies MjmlAnswer),
  );
}
