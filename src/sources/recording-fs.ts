/**
 * Recording folders on disk: `--record DIR` writes `DIR/raw/*.json.gz`; `--replay DIR` reads a record
 * folder, an archived issue folder (same `raw/` layout) or the `raw/` folder itself.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseJsonOrThrow } from '../validated-json';
import { RecordingError } from './errors';
import { type RecordedResponse, recordedResponseSchema, recordingsToArchiveFiles } from './recording';
import { createReplay, type Replay } from './replay';

/** Writes every recording under `<dir>/raw/`; returns the absolute paths written. */
export async function writeRecordingFolder(
  dir: string,
  recordings: readonly RecordedResponse[],
): Promise<string[]> {
  const written: string[] = [];
  for (const file of recordingsToArchiveFiles(recordings)) {
    const target = path.resolve(dir, file.name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.body);
    written.push(target);
  }
  return written;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Parses one `.json.gz` envelope; errors name the file and the field. */
export function decodeRecording(bytes: Buffer, fileName: string): RecordedResponse {
  let text: string;
  // A download tool may already have undone the gzip content-encoding; accept plain JSON too.
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  try {
    text = gzipped ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  } catch (error) {
    throw new RecordingError(`${fileName} is not valid gzip`, { cause: error });
  }
  return parseJsonOrThrow(
    text,
    recordedResponseSchema,
    (problem, options) => new RecordingError(`${fileName}: ${problem}`, options),
  );
}

/** Reads all envelopes of a record folder, an archived issue folder, or a `raw/` folder. */
export async function readRecordingFolder(dir: string): Promise<RecordedResponse[]> {
  const root = path.resolve(dir);
  if (!(await isDirectory(root))) throw new RecordingError(`replay folder ${root} does not exist`);
  const rawDir = (await isDirectory(path.join(root, 'raw'))) ? path.join(root, 'raw') : root;
  const names = (await readdir(rawDir)).filter((n) => n.endsWith('.json.gz')).sort();
  if (names.length === 0) {
    throw new RecordingError(`replay folder ${root} has no raw/*.json.gz recordings`);
  }
  const recordings: RecordedResponse[] = [];
  for (const name of names) recordings.push(decodeRecording(await readFile(path.join(rawDir, name)), name));
  return recordings;
}

/** Reads a folder and builds the replay ports from it. */
export async function loadReplay(dir: string): Promise<Replay> {
  return createReplay(await readRecordingFolder(dir), path.resolve(dir));
}
