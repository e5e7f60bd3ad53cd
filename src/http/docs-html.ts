import type { JsonSchema, OpenApiDocument, Operation, ResponseObject } from './openapi-types.js';

/**
 * Renders the OpenAPI document as one self-contained HTML page: no CDN, no script, so /docs works offline
 * and behind strict CSPs. Good enough to read; tools take /docs/openapi.json.
 */

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function refName(r: string): string {
  return r.split('/').pop() ?? r;
}

function typeOf(s: JsonSchema): string {
  if (s.$ref) return `<a href="#schema-${esc(refName(s.$ref))}">${esc(refName(s.$ref))}</a>`;
  if (s.type === 'array' && s.items) return `${typeOf(s.items)}[]`;
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  const enumPart = s.enum ? ` (${s.enum.map((v) => esc(v)).join(' | ')})` : '';
  return `${esc(t)}${s.format ? ` <small>${esc(s.format)}</small>` : ''}${enumPart}`;
}

function propertyTable(s: JsonSchema): string {
  if (!s.properties) return `<p><code>${typeOf(s)}</code>${s.description ? ` — ${esc(s.description)}` : ''}</p>`;
  const required = new Set(s.required ?? []);
  const rows = Object.entries(s.properties).map(([name, p]) => {
    const extra = [p.description ?? '', p.default !== undefined ? `Default ${JSON.stringify(p.default)}.` : '']
      .filter(Boolean)
      .join(' ');
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <b>*</b>' : ''}</td><td>${typeOf(p)}</td><td>${esc(extra)}</td></tr>`;
  });
  return `${s.description ? `<p>${esc(s.description)}</p>` : ''}<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
}

function example(v: unknown): string {
  return v === undefined ? '' : `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;
}

function response(doc: OpenApiDocument, status: string, r: ResponseObject | { $ref: string }): string {
  const resolved = '$ref' in r ? doc.components.responses[refName(r.$ref)] : r;
  if (!resolved) return '';
  const media = Object.entries(resolved.content ?? {});
  const body = media
    .map(([type, m]) => `<div><small>${esc(type)}</small> <code>${typeOf(m.schema)}</code>${example(m.example)}</div>`)
    .join('');
  return `<li><b>${esc(status)}</b> ${esc(resolved.description)}${body}</li>`;
}

function operation(doc: OpenApiDocument, method: string, path: string, op: Operation): string {
  const auth = op.security ? '<span class="auth">Bearer API key</span>' : '<span class="open">no key</span>';
  const params = op.parameters?.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${esc(p.in)}</td><td>${typeOf(p.schema)}</td><td>${esc(p.description ?? '')}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const body = op.requestBody
    ? `<h4>Body</h4>${Object.entries(op.requestBody.content)
        .map(
          ([type, m]) =>
            `<p><small>${esc(type)}</small></p>${propertyTable(resolve(doc, m.schema))}${example(m.example)}`,
        )
        .join('')}`
    : '';
  const responses = Object.entries(op.responses)
    .map(([s, r]) => response(doc, s, r))
    .join('');
  return `<section class="op" id="${esc(op.operationId)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code> ${auth}</h3><p><b>${esc(op.summary)}</b>${op.description ? ` — ${esc(op.description)}` : ''}</p>${params}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

function resolve(doc: OpenApiDocument, s: JsonSchema): JsonSchema {
  return s.$ref ? (doc.components.schemas[refName(s.$ref)] ?? s) : s;
}

export function renderDocsHtml(doc: OpenApiDocument): string {
  const byTag = doc.tags.map((tag) => {
    const ops: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const m of METHODS) {
        const op = item[m];
        if (op?.tags.includes(tag.name)) ops.push(operation(doc, m, path, op));
      }
    }
    return `<h2 id="tag-${esc(tag.name)}">${esc(tag.name)}</h2><p>${esc(tag.description)}</p>${ops.join('')}`;
  });
  const schemaList = Object.entries(doc.components.schemas)
    .map(
      ([name, s]) => `<section class="op" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${propertyTable(s)}</section>`,
    )
    .join('');
  const nav = doc.tags.map((t) => `<a href="#tag-${esc(t.name)}">${esc(t.name)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1d2330}
code,pre{font-family:ui-monospace,Menlo,monospace;font-size:13px}
pre{background:#f4f5f7;padding:.6em;border-radius:6px;overflow:auto}
table{border-collapse:collapse;width:100%;margin:.4em 0}td,th{border-bottom:1px solid #e3e5ea;padding:4px 6px;text-align:left;vertical-align:top}
.op{border:1px solid #e3e5ea;border-radius:8px;padding:.2em 1em;margin:1em 0}
.m{display:inline-block;min-width:4em;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.get{background:#2f7dd1}.post{background:#2f9e5b}.put{background:#b7791f}.patch{background:#8b5cf6}.delete{background:#c53030}
.auth,.open{font-size:12px;font-weight:normal;border-radius:4px;padding:1px 6px;margin-left:.5em}
.auth{background:#fdecc8}.open{background:#e3f4e8}h4{margin:.6em 0 .2em}
</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI ${esc(doc.openapi)}). Server: <code>${esc(doc.servers[0]?.url ?? '')}</code></p>
<p>Authentication: <code>Authorization: Bearer &lt;key&gt;</code>; create a key with <code>npx partnerdesk apikey create &lt;name&gt;</code>.</p>
<nav>${nav} · <a href="#schemas">schemas</a></nav>
${byTag.join('\n')}
<h2 id="schemas">Schemas</h2>${schemaList}
</body></html>`;
}
