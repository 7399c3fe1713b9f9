/** Errors raised by the metrics stage. Each names what was wrong; the cause is kept. */
import { namedError } from '../named-error';

/** HASHBRIEF_ASSUMPTIONS_JSON is not valid JSON or breaks the assumptions schema. */
export class AssumptionsError extends namedError('AssumptionsError') {}

/** The inputs break the contract in src/contracts/report-inputs.ts (e.g. a gap in the daily dates). */
export class MetricsInputError extends namedError('MetricsInputError') {}

/** buildSnapshot produced a snapshot that fails snapshotSchema: a bug in the metrics stage. */
export class SnapshotInvariantError extends namedError('SnapshotInvariantError') {}
