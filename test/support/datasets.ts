/**
 * Test datasets for the emulator. The bundled synthetic dataset is labelled sample, and reports built from
 * it say so; tests that let the emulator stand in for the LIVE upstreams use this copy, which is not.
 */
import { type Dataset, sampleDataset } from '../../src/emulator/dataset';

export function liveLikeDataset(options: { endDate: string; seed?: number }): Dataset {
  return {
    ...sampleDataset(options),
    sample: false,
    label: 'synthetic test data standing in for live upstreams',
  };
}
