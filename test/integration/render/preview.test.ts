import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PreviewError, resolvePreviewIssue, runPreview } from '../../../src/cli/commands/preview';
import { main } from '../../../src/cli/main';

async function archive(ids: string[], latest?: string): Promise<{ localDir: string; archiveDir: string }> {
  const localDir = await mkdtemp(path.join(tmpdir(), 'hashbrief-preview-'));
  const archiveDir = path.join(localDir, 'archive');
  for (const id of ids) {
    await mkdir(path.join(archiveDir, 'issues', id), { recursive: true });
    await writeFile(path.join(archiveDir, 'issues', id, 'newsletter.html'), `<h1>${id}</h1>`);
  }
  if (latest) await writeFile(path.join(archiveDir, 'latest.json'), JSON.stringify({ issueId: latest }));
  return { localDir, archiveDir };
}

describe('hashbrief preview', () => {
  it("serves latest.json's issue and prints its URL", async () => {
    // Prepare
    const { archiveDir } = await archive(['2026-11-16', '2026-11-23'], '2026-11-16');
    const out: string[] = [];
    let body = '';

    // Act
    await runPreview(
      { id: undefined, port: 0 },
      {
        io: { stdout: (t) => out.push(t.toString()), stderr: () => {}, isTty: false },
        archiveDir,
        untilShutdown: async () => {
          body = await (await fetch(out.join('').trim())).text();
        },
      },
    );

    // Assess
    expect(out.join('')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/issues\/2026-11-16\/newsletter\.html\n$/);
    expect(body).toBe('<h1>2026-11-16</h1>');
  });

  it('falls back to the newest issue folder without latest.json', async () => {
    const { archiveDir } = await archive(['2026-11-09', '2026-11-23']);
    await expect(resolvePreviewIssue(archiveDir, undefined)).resolves.toBe('2026-11-23');
  });

  it('refuses paths outside the archive', async () => {
    // Prepare
    const { archiveDir } = await archive(['2026-11-23']);
    let status = 0;

    // Act
    await runPreview(
      { id: '2026-11-23', port: 0 },
      {
        io: { stdout: () => {}, stderr: () => {}, isTty: false },
        archiveDir,
        untilShutdown: async (server) => {
          status = (await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`)).status;
        },
      },
    );

    // Assess
    expect(status).toBe(404);
  });

  it('exits 1 with a clear message for an unknown issue', async () => {
    // Prepare
    const { localDir } = await archive(['2026-11-23']);
    const err: string[] = [];

    // Act
    const code = await main(['preview', '2020-01-01'], {
      env: { HASHBRIEF_LOCAL_DIR: localDir },
      io: { stdout: () => {}, stderr: (t) => err.push(t), isTty: false },
    });

    // Assess
    expect(code).toBe(1);
    expect(err.join('')).toContain('issue 2020-01-01 not found');
  });

  it('throws PreviewError on an empty archive', async () => {
    const { archiveDir } = await archive([]);
    await expect(resolvePreviewIssue(archiveDir, undefined)).rejects.toThrow(PreviewError);
  });
});
