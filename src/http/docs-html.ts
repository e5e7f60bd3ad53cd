import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * Renders the generated OpenAPI document as one self-contained HTML page: no CDN, no script, so /docs works
 * offline and behind strict CSPs. Good enough to read; tools take /docs/openapi.json.
 */

type Doc = OpenAPIV3_1.Document;
/** The slice of a JSON schema the page shows; the generated schemas are plain JSON Schema 2020-12. */
interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  default?: unknown;
  examples?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  $ref?: string;
}
type Media = { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> };

const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function refName(r: string): string {
  return r.split('/').pop() ?? r;
}

function typeOf(s: Schema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return `<a href="#schema-${esc(refName(s.$ref))}">${esc(refName(s.$ref))}</a>`;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(' | ');
  if (s.type === 'array') return `${typeOf(s.items)}[]`;
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? (s.const !== undefined ? 'const' : 'any'));
  const values = s.enum ?? (s.const !== undefined ? [s.const] : undefined);
  const enumPart = values ? ` (${values.map((v) => esc(v)).join(' | ')})` : '';
  return `${esc(t)}${s.format ? ` <small>${esc(s.format)}</small>` : ''}${enumPart}`;
}

/** The object a body is made of: itself, or the item of an array (uploads take a list of objects). */
function objectOf(s: Schema): Schema | undefined {
  if (s.properties) return s;
  if (s.type === 'array' && s.items?.properties) return s.items;
  for (const alt of s.anyOf ?? s.oneOf ?? []) {
    const o = objectOf(alt);
    if (o) return o;
  }
  return undefined;
}

function propertyTable(s: Schema): string {
  const o = objectOf(s);
  const intro = s.description ? `<p>${esc(s.description)}</p>` : '';
  if (!o?.properties) return `${intro}<p><code>${typeOf(s)}</code></p>`;
  const required = new Set(o.required ?? []);
  const rows = Object.entries(o.properties).map(([name, p]) => {
    const extra = [p.description ?? '', p.default !== undefined ? `Default ${JSON.stringify(p.default)}.` : '']
      .filter(Boolean)
      .join(' ');
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <b>*</b>' : ''}</td><td>${typeOf(p)}</td><td>${esc(extra)}</td></tr>`;
  });
  const shape = o === s ? '' : `<p><code>${typeOf(s)}</code>; each item:</p>`;
  return `${intro}${shape}<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
}

function examplesOf(m: Media): string {
  const values = [
    ...(m.example === undefined ? [] : [m.example]),
    ...Object.values(m.examples ?? {}).map((e) => e.value),
    ...(m.schema?.examples ?? []),
  ];
  return values
    .slice(0, 1)
    .map((v) => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`)
    .join('');
}

function response(status: string, r: OpenAPIV3_1.ResponseObject): string {
  const body = Object.entries((r.content ?? {}) as Record<string, Media>)
    .map(([type, m]) => `<div><small>${esc(type)}</small> <code>${typeOf(m.schema)}</code></div>`)
    .join('');
  return `<li><b>${esc(status)}</b> ${esc(r.description)}${body}</li>`;
}

function operation(method: string, path: string, op: OpenAPIV3_1.OperationObject): string {
  const auth = op.security?.length ? '<span class="auth">Bearer API key</span>' : '<span class="open">no key</span>';
  const parameters = (op.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
  const params = parameters.length
    ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr>${parameters
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${esc(p.in)}</td><td>${typeOf(p.schema as Schema)}</td><td>${esc(p.description ?? (p.schema as Schema | undefined)?.description ?? '')}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const requestBody = op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
  const body = requestBody
    ? `<h4>Body</h4>${Object.entries(requestBody.content as Record<string, Media>)
        .map(
          ([type, m]) => `<p><small>${esc(type)}</small></p>${m.schema ? propertyTable(m.schema) : ''}${examplesOf(m)}`,
        )
        .join('')}`
    : '';
  const responses = Object.entries((op.responses ?? {}) as Record<string, OpenAPIV3_1.ResponseObject>)
    .map(([s, r]) => response(s, r))
    .join('');
  const id = `${method}-${path.replace(/[^\w]+/g, '-')}`;
  return `<section class="op" id="${esc(id)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code> ${auth}</h3><p><b>${esc(op.summary ?? '')}</b>${op.description ? ` — ${esc(op.description)}` : ''}</p>${params}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
}

export function renderDocsHtml(doc: Doc): string {
  const tags = doc.tags ?? [];
  const byTag = tags.map((tag) => {
    const ops: string[] = [];
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const m of METHODS) {
        const op = item?.[m];
        if (op?.tags?.includes(tag.name)) ops.push(operation(m, path, op));
      }
    }
    return `<h2 id="tag-${esc(tag.name)}">${esc(tag.name)}</h2><p>${esc(tag.description ?? '')}</p>${ops.join('')}`;
  });
  const schemaList = Object.entries((doc.components?.schemas ?? {}) as Record<string, Schema>)
    .map(
      ([name, s]) => `<section class="op" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${propertyTable(s)}</section>`,
    )
    .join('');
  const nav = tags.map((t) => `<a href="#tag-${esc(t.name)}">${esc(t.name)}</a>`).join(' · ');
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
<p>${esc(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI ${esc(doc.openapi)}). Server: <code>${esc(doc.servers?.[0]?.url ?? '')}</code></p>
<p>Authentication: <code>Authorization: Bearer &lt;key&gt;</code>; create a key with <code>npx partnerdesk apikey create &lt;name&gt;</code>.</p>
<nav>${nav} · <a href="#schemas">schemas</a></nav>
${byTag.join('\n')}
<h2 id="schemas">Schemas</h2>${schemaList}
</body></html>`;
}
