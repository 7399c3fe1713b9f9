/**
 * `hashbrief preview [ID] [--port N]`: serves the local archive folder on 127.0.0.1 and prints the URL of
 * the issue's web version (latest.json's issue when no ID), until SIGINT/SIGTERM. It never opens a
 * browser: the URL is for the reader to click.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type StaticServer, startStaticServer } from '../../render/static-server';
import { parseJsonAs } from '../../validated-json';
import { type CliIo, flagError, localPaths, portFlag, UsageError } from '../context';
import type { CommandRegistrar } from '../main';
import { untilSignal } from '../shutdown';

/** The issue asked for is not in the archive (exit 1: the archive, not the usage, is the problem). */
export class PreviewError extends Error {
  override name = 'PreviewError';
}

const flagsSchema = z.object({
  port: portFlag.optional(),
});

const idSchema = z.string().regex(/^[A-Za-z0-9._-]+$/, 'must look like 2026-11-23');
const latestSchema = z.object({ issueId: idSchema }).passthrough();

/** Which issue to show: the given id, else latest.json's, else the newest folder under issues/. */
export async function resolvePreviewIssue(archiveDir: string, id: string | undefined): Promise<string> {
  if (id !== undefined) {
    const parsed = idSchema.safeParse(id);
    if (!parsed.success)
      throw new UsageError(`issue id "${id}": ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const file = path.join(archiveDir, 'issues', id, 'newsletter.html');
    if (!(await stat(file).catch(() => null))?.isFile())
      throw new PreviewError(`issue ${id} not found: no ${file} (try "hashbrief archive list")`);
    return id;
  }
  const latest = await readFile(path.join(archiveDir, 'latest.json'), 'utf8').catch(() => null);
  const parsed = latest === null ? null : parseJsonAs(latest, latestSchema);
  if (parsed?.ok) return resolvePreviewIssue(archiveDir, parsed.value.issueId);
  const ids = (await readdir(path.join(archiveDir, 'issues')).catch(() => [] as string[])).sort();
  const newest = ids.at(-1);
  if (newest === undefined)
    throw new PreviewError(`no issues in ${archiveDir} yet: run "hashbrief run" or "hashbrief report" first`);
  return resolvePreviewIssue(archiveDir, newest);
}

/** Serves the archive until `untilShutdown` resolves; prints the issue's URL on stdout. */
export async function runPreview(
  args: { id: string | undefined; port: number | undefined },
  deps: { io: CliIo; archiveDir: string; untilShutdown: (server: StaticServer) => Promise<void> },
): Promise<void> {
  const issueId = await resolvePreviewIssue(deps.archiveDir, args.id);
  let server: StaticServer;
  try {
    server = await startStaticServer(deps.archiveDir, args.port ?? 0);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new UsageError(`--port: cannot listen on ${args.port} (${code})`, { cause: error });
    throw error;
  }
  deps.io.stdout(`${server.url}/issues/${encodeURIComponent(issueId)}/newsletter.html\n`);
  deps.io.stderr(
    `hashbrief preview: serving ${deps.archiveDir} (archive index: ${server.url}/index.html); Ctrl-C to stop\n`,
  );
  try {
    await deps.untilShutdown(server);
  } finally {
    await server.close();
  }
}

export const registerPreview: CommandRegistrar = (program, context) => {
  program
    .command('preview')
    .description("Serve the local archive on 127.0.0.1 and print the URL of an issue's web version")
    .argument('[id]', 'Issue id (default: the latest issue)')
    .option('--port <n>', 'Port to listen on, 0 to 65535 (default: any free port)')
    .action(async (id: string | undefined, options: { port?: string }) => {
      const parsed = flagsSchema.safeParse(options);
      if (!parsed.success) throw flagError(parsed.error, options);
      const ctx = context();
      await runPreview(
        { id, port: parsed.data.port },
        { io: ctx.io, archiveDir: localPaths(ctx.localDir).archive, untilShutdown: untilSignal },
      );
    });
};
