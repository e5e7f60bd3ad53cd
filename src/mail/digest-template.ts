import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { DigestView } from './digest-view.js';
import { compileMjml } from './mjml-compile.js';

/** templates/ at the repository root (two levels up from src/mail, also from a bundled dist/). */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

export interface DigestTemplate {
  /** Fills the compiled HTML for one partner (~50 µs); every value is HTML-escaped. */
  render(view: DigestView): string;
  /** How long compiling took, for the start-up log. */
  compileMs: number;
}

const PLACEHOLDER = /\{\{[^{}]+\}\}/g;

/**
 * Compiles templates/digest.mjml once: MJML (strict validation, ~100 ms) into HTML that still holds the
 * Handlebars placeholders, then Handlebars (strict: a missing value throws instead of printing nothing).
 * MJML silently drops text it does not expect between its tags (a bare {{#each}} between columns), which
 * would leave a digest without a section and nobody the wiser: so every placeholder of the sources must be
 * found in the compiled HTML, or compiling fails.
 */
export async function compileDigestTemplate(dir = TEMPLATES_DIR): Promise<DigestTemplate> {
  const started = performance.now();
  const file = path.join(dir, 'digest.mjml');
  const source = readFileSync(file, 'utf8');
  const result = await compileMjml({ source, file, includePath: dir });
  if (result.errors.length > 0) throw new Error(`templates/digest.mjml: ${result.errors.join('; ')}`);
  const sources = [
    source,
    ...readdirSync(path.join(dir, 'partials')).map((f) => readFileSync(path.join(dir, 'partials', f), 'utf8')),
  ];
  const wanted = new Set(sources.flatMap((s) => s.match(PLACEHOLDER) ?? []));
  const found = new Set(result.html.match(PLACEHOLDER) ?? []);
  const lost = [...wanted].filter((p) => !found.has(p));
  if (lost.length > 0) {
    throw new Error(`templates/digest.mjml: MJML dropped ${lost.join(', ')}; put loops in mj-table or mj-raw`);
  }
  const hb = Handlebars.create();
  const fill = hb.compile<DigestView>(result.html, { strict: true, noEscape: false });
  return {
    render: (view) => fill(view),
    compileMs: Math.round(performance.now() - started),
  };
}
