import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { addressHash } from '../../../src/delivery/address';
import { runCli } from '../../support/cli-run';
import { archiveIssue, storedEmail } from '../../support/delivery-fixtures';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'hb-cli-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

function run(...argv: string[]) {
  return runCli(argv, { cwd, env: { HASHBRIEF_FROM_ADDRESS: 'hashbrief <briefing@example.com>' } });
}

describe('hashbrief subscribers', () => {
  it('imports good rows, reports each bad row with its line number, and exits 1', async () => {
    await writeFile(
      path.join(cwd, 'list.csv'),
      'email,name\nalice@example.com,Alice\n# comment\nnot-an-address,X\nbob@Example.com,Bob\nbad\r\nline@x,Y\n',
    );

    const result = await run('subscribers', 'import', 'list.csv');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 4: must look like name@example.com');
    expect(result.stderr).toContain('line 6: must look like name@example.com');
    expect(result.stderr).toContain('line 7: the domain is not valid');
    expect(result.stdout).toContain('imported 2');
    const files = await readdir(path.join(cwd, 'out', 'subscribers'));
    expect(files.sort()).toEqual(
      [`${addressHash('alice@example.com')}.json`, `${addressHash('bob@example.com')}.json`].sort(),
    );
  });

  it('lists hashes and status without addresses; export prints addresses', async () => {
    await run('subscribers', 'add', 'alice@example.com');
    await run('subscribers', 'add', 'bob@example.com');
    await run('subscribers', 'remove', 'bob@example.com');

    const list = await run('subscribers', 'list', '--json');
    const exported = await run('subscribers', 'export');

    expect(list.stdout).not.toContain('@');
    expect(JSON.parse(list.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: addressHash('alice@example.com'),
          status: 'active',
          source: 'operator',
        }),
        expect.objectContaining({ id: addressHash('bob@example.com'), status: 'unsubscribed' }),
      ]),
    );
    expect(exported.stdout).toContain('alice@example.com,active,operator');
  });

  it('fails (exit 1) to remove or purge an address that is not on the list, without printing it', async () => {
    // Arrange
    await run('subscribers', 'add', 'alice@example.com');

    // Act
    const removed = await run('subscribers', 'remove', 'nobody@example.com');
    const purged = await run('subscribers', 'remove', 'nobody@example.com', '--purge');

    // Assert
    for (const result of [removed, purged]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no subscriber with that address');
      expect(`${result.stdout}${result.stderr}`).not.toContain('nobody');
      expect(`${result.stdout}${result.stderr}`).not.toContain(addressHash('nobody@example.com'));
    }
    const files = await readdir(path.join(cwd, 'out', 'subscribers'));
    expect(files).toEqual([`${addressHash('alice@example.com')}.json`]);
  });

  it('refuses an address with a line break as bad usage', async () => {
    const result = await run('subscribers', 'add', 'a@example.com\r\nBcc: x@example.com');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line break');
  });
});

describe('hashbrief send', () => {
  it('writes one .eml per active subscriber and writes nothing new on a second run', async () => {
    await archiveIssue(createFsArchiveStore(path.join(cwd, 'out', 'archive')), storedEmail('2026-11-23'));
    await run('subscribers', 'add', 'alice@example.com');
    await run('subscribers', 'add', 'bob@example.com');
    await run('subscribers', 'remove', 'bob@example.com');

    const first = await run('send', '2026-11-23');
    const second = await run('send', '2026-11-23');

    expect(first.code).toBe(0);
    expect(first.stdout).toContain('1 sent');
    expect(second.stdout).toContain('0 sent');
    const outbox = path.join(cwd, 'out', 'outbox', '2026-11-23');
    expect(await readdir(outbox)).toEqual([`${addressHash('alice@example.com')}.eml`]);
    const eml = await readFile(path.join(outbox, `${addressHash('alice@example.com')}.eml`), 'utf8');
    expect(eml).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(eml).toContain('To: alice@example.com');
  });

  it('makes a test send to one address outside the ledger', async () => {
    await archiveIssue(createFsArchiveStore(path.join(cwd, 'out', 'archive')), storedEmail('2026-11-23'));

    const result = await run('send', '2026-11-23', '--to', 'tester@example.com');

    expect(result.code).toBe(0);
    const file = path.join(
      cwd,
      'out',
      'outbox',
      '2026-11-23',
      `test-${addressHash('tester@example.com')}.eml`,
    );
    expect(await readFile(file, 'utf8')).toContain('[test]');
    await expect(readdir(path.join(cwd, 'out', 'ledger'))).rejects.toThrow();
  });
});
