/** Errors of the emulator's inputs (datasets, fault specs). Messages name the file or the bad part. */
import { namedError } from '../named-error';

/** A CSV file or recording folder could not be read or does not look like one. */
export class DatasetError extends namedError('DatasetError') {}

/** A `--faults` spec could not be parsed; the message names the offending part. */
export class FaultSpecError extends namedError('FaultSpecError') {}
