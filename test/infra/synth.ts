/**
 * Shared synthesis for the infra tests. Template tests skip bundling (`aws:cdk:bundling-stacks: []`) and
 * use a stub entry, so they run in seconds and do not depend on the handlers existing; only
 * bundling.test.ts bundles the real functions.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig } from '../../infra/config';
import { FUNCTION_NAMES, type FunctionName, HashbriefStack } from '../../infra/hashbrief-stack';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const stubEntry = path.join(projectRoot, 'test/infra/fixtures/handler.ts');

export interface SynthOptions {
  /** Raw config values (keys without the `hashbrief:` prefix). */
  readonly config?: Record<string, unknown>;
  /** Bundle the given entries for real; default: no bundling, stub entries. */
  readonly bundle?: boolean;
  readonly entries?: Partial<Record<FunctionName, string>>;
  /** Run cdk-nag AwsSolutions during synthesis (findings make synthesis throw). */
  readonly nag?: boolean;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: HashbriefStack;
  readonly template: Template;
}

/** Builds the app the way infra/app.ts does and synthesises it into a fresh temp directory. */
export function synth(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'hashbrief-cdk-'));
  const app = new App({
    outdir,
    // Asset metadata tells the bundling test which cdk.out folder belongs to which function.
    context: options.bundle ? { 'aws:cdk:enable-asset-metadata': true } : { 'aws:cdk:bundling-stacks': [] },
  });
  const config = parseConfig(options.config ?? {});
  const stubs = Object.fromEntries(FUNCTION_NAMES.map((n) => [n, stubEntry]));
  const stack = new HashbriefStack(app, config.stackName, {
    config,
    projectRoot,
    entries: options.bundle ? options.entries : { ...stubs, ...options.entries },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const template = Template.fromStack(stack);
  return { app, stack, template };
}
