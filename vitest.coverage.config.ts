/**
 * `npm run test:coverage`: the whole suite under V8 coverage (report in out/coverage/). Branch coverage of
 * the delivery and archive stages, where a missed branch is a lost or doubled email or a half-written
 * issue, may not fall below 85%; the run fails when it does.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      coverage: {
        provider: 'v8',
        include: ['src/**/*.ts', 'functions/**/*.ts'],
        reporter: ['text-summary', 'text', 'html', 'json-summary'],
        reportsDirectory: 'out/coverage',
        thresholds: {
          'src/delivery/**/*.ts': { branches: 85 },
          'src/archive/**/*.ts': { branches: 85 },
        },
      },
    },
  }),
);
