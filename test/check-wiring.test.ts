import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('scripts/check-wiring.mjs');

function check(root?: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...(root ? [root] : [])], (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('scripts/check-wiring.mjs (npm run lint)', () => {
  const dirs: string[] = [];
  const fixture = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd-wiring-'));
    dirs.push(dir);
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    }
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('passes on this repository', async () => {
    expect(await check()).toEqual({ code: 0, stderr: '' });
  });

  it('fails on a stray new Redis( outside src/main and src/infra, naming the file and line', async () => {
    const root = fixture({
      'src/main/root.ts': "const r = new Redis('redis://127.0.0.1');\n",
      'src/infra/redis.ts': "const q = new Queue('q');\n",
      'src/app/sneaky.ts': "import { Redis } from 'ioredis';\n\nexport const r = new Redis();\n",
      'src/app/sneaky.test.ts': 'const r = new Redis();\n',
      'bots/core/comment.ts': '// new Redis( in a comment is fine\n',
    });
    const r = await check(root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('src/app/sneaky.ts:3: new Redis( outside src/main and src/infra');
    expect(r.stderr).not.toContain('src/main/root.ts');
    expect(r.stderr).not.toContain('src/infra/redis.ts');
    expect(r.stderr).not.toContain('sneaky.test.ts');
    expect(r.stderr).not.toContain('comment.ts');
  });

  it('catches the other constructions too', async () => {
    const root = fixture({
      'src/jobs/x.ts':
        "const w = new Worker('q', fn);\nconst q = new Queue('q');\nconst a = new Agent({});\nconst db = knex({});\n",
    });
    const r = await check(root);
    expect(r.code).toBe(1);
    for (const what of ['new Worker(', 'new Queue(', 'new Agent(', 'knex(']) expect(r.stderr).toContain(what);
  });
});
