/** Errors of the emulator's inputs (datasets, fault specs). Messages name the file or the bad part. */

/** A CSV file or recording folder could not be read or does not look like one. */
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A `--faults` spec could not be parsed; the message names the offending part. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
