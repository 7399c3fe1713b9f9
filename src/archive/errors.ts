/**
 * Errors of the archive stage. Each names what went wrong and, where the reader can act, what to do.
 * The CLI maps them to exit code 1; handlers log them with their `cause`.
 */
import { type CauseOptions, namedError } from '../named-error';

/** A key or issue id that could escape the archive root or is not allowed in the layout. */
export class InvalidArchiveKeyError extends namedError('InvalidArchiveKeyError') {}

/** A presigned URL lifetime outside what S3 allows (1 s to 7 days). */
export class InvalidExpiryError extends namedError('InvalidExpiryError') {}

/** An issue id outside `^[A-Za-z0-9._-]+$`, starting with a dot, or containing `..`. */
export class InvalidIssueIdError extends namedError('InvalidIssueIdError') {}

/** What the caller asked to archive is inconsistent (no snapshot.json, duplicate names, id mismatch). */
export class ArchiveInputError extends namedError('ArchiveInputError') {}

/** The storage backend failed (I/O, permissions, network); `cause` holds the original error. */
export class ArchiveStoreError extends namedError('ArchiveStoreError') {}

/** No such issue in the archive; the message lists the nearest known ids. */
export class IssueNotFoundError extends namedError('IssueNotFoundError') {
  constructor(
    readonly issueId: string,
    readonly nearest: string[],
    hint?: string,
  ) {
    const suggestions = nearest.length ? ` Nearest: ${nearest.join(', ')}.` : ' The archive has no issues.';
    super(`Unknown issue id "${issueId}".${suggestions}${hint ? ` ${hint}` : ''}`);
  }
}

/** A manifest (`index.json`, `latest.json`) that is not valid JSON or does not match its schema. */
export class CorruptManifestError extends namedError('CorruptManifestError') {
  constructor(
    readonly key: string,
    detail: string,
    options?: CauseOptions,
  ) {
    super(`Manifest ${key} is corrupt (${detail}); run "hashbrief archive repair" to rebuild it.`, options);
  }
}

/** An issue object (e.g. `snapshot.json`) that exists but cannot be parsed. */
export class CorruptObjectError extends namedError('CorruptObjectError') {
  constructor(
    readonly key: string,
    detail: string,
    options?: CauseOptions,
  ) {
    super(`Archived object ${key} is corrupt (${detail}).`, options);
  }
}

/** The issue is known but one of its objects is missing. */
export class MissingObjectError extends namedError('MissingObjectError') {
  constructor(
    readonly key: string,
    available: string[] = [],
  ) {
    const name = key.split('/').slice(2).join('/');
    // The manifest lists what was archived; a listed file that is gone means the store lost it.
    const listedButGone = available.includes(name)
      ? ' The manifest lists it, so it was archived and has since been removed from the store: restore it from a bucket version or re-render the issue (docs/archive.md).'
      : '';
    const others = available.filter((f) => f !== name);
    const listed = others.length ? ` Other files of this issue: ${others.join(', ')}.` : '';
    super(`Archived object ${key} does not exist.${listedButGone}${listed}`);
  }
}

/** Optimistic concurrency on a manifest kept losing to other writers. */
export class ManifestConflictError extends namedError('ManifestConflictError') {}
