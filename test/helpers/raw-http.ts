import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  body: any;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * One request with node:http, for what fetch will not send (a body on GET, huge headers) or cannot survive
 * (a server that answers before reading a large body: the answer counts, an EPIPE while still sending does not).
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = http.request(
      `${baseUrl}${path}`,
      { method, headers: { ...length, ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parse(text) });
        });
        res.on('error', reject);
      },
    );
    let answered = false;
    req.on('response', () => {
      answered = true;
    });
    req.on('error', (err) => {
      // The server may close while we still send a body it refused; only an error before any answer counts.
      if (!answered) setTimeout(() => (answered ? undefined : reject(err)), 200);
    });
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Writes `raw` bytes on a TCP connection and returns what came back (for requests Node's client refuses). */
export function rawSocket(baseUrl: string, raw: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(raw));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(all);
      if (!m) return reject(new Error(`no HTTP answer: ${JSON.stringify(all.slice(0, 200))}`));
      const text = all.slice(all.indexOf('\r\n\r\n') + 4);
      resolve({ status: Number(m[1]), headers: {}, text, body: parse(text) });
    });
    socket.setTimeout(5000, () => socket.destroy());
  });
}
