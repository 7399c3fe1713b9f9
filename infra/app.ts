#!/usr/bin/env node
/**
 * CDK entry point (`npx cdk synth`, `npx cdk deploy`). The only place that reads context or the process:
 * everything below gets a validated HashbriefConfig as props. No env (account/region) is set, so synth
 * is account-independent and needs no credentials; `cdk deploy` resolves both from the CLI profile.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT_PREFIX, ConfigContextError, configFromContext } from './config';
import { HashbriefStack } from './hashbrief-stack';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const app = new App();
let config: ReturnType<typeof configFromContext>;
try {
  const contextKeys = Object.keys(app.node.getAllContext()).filter((k) => k.startsWith(CONTEXT_PREFIX));
  config = configFromContext((key) => app.node.tryGetContext(key), contextKeys);
} catch (error) {
  if (error instanceof ConfigContextError) {
    // A readable message instead of a stack trace: the fix is always an edit to cdk.json or -c.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

new HashbriefStack(app, config.stackName, {
  config,
  projectRoot,
  description: 'hashbrief: weekly briefing on Bitcoin mining economics and network security',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
