import { defineConfig } from 'vitest/config';

/**
 * Four projects, one per folder under test/: `unit` (pure code and in-memory fakes, the fast loop:
 * `npm run test:unit`), `integration` (real sockets, files, emulators, MJML and charts, browsers),
 * `infra` (CDK synth, bundles, the Node 24 runtime) and `e2e` (whole runs on emulated AWS).
 * `npm test` runs all four.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Servers and browsers in integration tests are heavy on a 2-core machine.
    maxWorkers: 2,
    env: {
      // The AWS SDK warns once per client that its releases from January 2027 need Node 22. The README
      // states that timeline; in test output, where it repeats for every test file, it is noise.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      {
        extends: true,
        // A first CDK synth in a fresh worker (aws-cdk-lib, cdk-nag) alone can take 30 s on two busy cores.
        // Its beforeAll hooks synthesize the stack, so they get a larger allowance still.
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
