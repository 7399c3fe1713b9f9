import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsArchiveStore } from '../../../src/archive/fs-store';
import { addressHash } from '../../../src/delivery/address';
import { handleSesNotification, sesNotificationSchema } from '../../../src/delivery/feedback';
import { createSubscriberStore } from '../../../src/delivery/subscribers';
import { runCli } from '../../support/cli-run';
import { archiveIssue, storedEmail, TEST_FROM } from '../../support/delivery-fixtures';
import { freshDirForEachTest } from '../../support/temp-dirs';

let cwd: string;
freshDirForEachTest('hb-cli-', (dir) => {
  cwd = dir;
});

function run(...argv: string[]) {
  return runCli(argv, { cwd, env: { HASHBRIEF_FROM_ADDRESS: TEST_FROM } });
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

  it('imports alice@, Alice@ and ALICE@ as one active subscriber, who gets each issue once', async () => {
    // Arrange
    await archiveIssue(createFsArchiveStore(path.join(cwd, 'out', 'archive')), storedEmail('2026-11-23'));
    await writeFile(path.join(cwd, 'list.txt'), 'alice@example.com\nAlice@example.com\nALICE@example.com\n');

    // Act
    const imported = await run('subscribers', 'import', 'list.txt');
    const sent = await run('send', '2026-11-23');

    // Assert
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('imported 1, already active 2');
    const records = (await readdir(path.join(cwd, 'out', 'subscribers'))).filter((f) => f.endsWith('.json'));
    expect(records).toEqual([`${addressHash('alice@example.com')}.json`]);
    expect(sent.stdout).toContain('1 sent');
    expect(await readdir(path.join(cwd, 'out', 'outbox', '2026-11-23'))).toHaveLength(1);
  });

  it('never imports another +tag of a mailbox that complained, but an explicit add may', async () => {
    // Arrange: victim@ is on the list and complained.
    const stateDir = path.join(cwd, 'out');
    const subscribers = createSubscriberStore(createFsArchiveStore(stateDir));
    await run('subscribers', 'add', 'victim@example.com');
    await handleSesNotification(
      sesNotificationSchema.parse({
        notificationType: 'Complaint',
        complaint: { complainedRecipients: [{ emailAddress: 'victim@example.com' }] },
      }),
      { subscribers, clock: () => new Date() },
    );
    await writeFile(path.join(cwd, 'list.txt'), 'Victim+News@example.com\n');

    // Act
    const imported = await run('subscribers', 'import', 'list.txt');
    const added = await run('subscribers', 'add', 'victim+news@example.com');

    // Assert
    expect(imported.stdout).toContain('imported 0, already active 0, kept suppressed 1');
    expect(added.stdout).toBe(
      `added ${addressHash('victim+news@example.com')} as an active subscriber (operator add: no confirmation email); mailbox suppression lifted: complained\n`,
    );
    expect((await subscribers.get(addressHash('victim@example.com')))?.subscriber.status).toBe('complained');
  });

  it('refuses an address with a line break as bad usage', async () => {
    const result = await run('subscribers', 'add', 'a@example.com\r\nBcc: x@example.com');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line break');
  });
});

describe('hashbrief subscribers and send with an unreadable subscriber object', () => {
  const corruptId = 'c'.repeat(64);

  async function listWithOneBrokenRecord() {
    await archiveIssue(createFsArchiveStore(path.join(cwd, 'out', 'archive')), storedEmail('2026-11-23'));
    await run('subscribers', 'add', 'alice@example.com');
    await run('subscribers', 'add', 'bob@example.com');
    await writeFile(
      path.join(cwd, 'out', 'subscribers', `${corruptId}.json`),
      '{"schemaVersion":1,"address":"carol@example.com","status":',
    );
  }

  it('delivers to everyone else and names the unreadable record on stderr', async () => {
    await listWithOneBrokenRecord();

    const sent = await run('send', '2026-11-23');

    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('2 active subscribers, 2 sent');
    expect(sent.stderr).toContain(`subscriber record unreadable (subscriber=${corruptId}, reason=not JSON)`);
    expect(sent.stderr).not.toContain('carol');
    expect((await readdir(path.join(cwd, 'out', 'outbox', '2026-11-23'))).sort()).toEqual(
      [`${addressHash('alice@example.com')}.eml`, `${addressHash('bob@example.com')}.eml`].sort(),
    );
  });

  it('lists and exports the readable records and names the unreadable one', async () => {
    await listWithOneBrokenRecord();

    const list = await run('subscribers', 'list', '--json');
    const exported = await run('subscribers', 'export');

    expect([list.code, exported.code]).toEqual([0, 0]);
    expect(
      JSON.parse(list.stdout)
        .map((r: { id: string }) => r.id)
        .sort(),
    ).toEqual([addressHash('alice@example.com'), addressHash('bob@example.com')].sort());
    expect(exported.stdout.trim().split('\n')).toHaveLength(3);
    for (const result of [list, exported]) {
      expect(result.stderr).toContain(corruptId);
      expect(result.stderr).toContain('hashbrief subscribers doctor');
    }
  });

  it('doctor lists the record (exit 1), --repair moves it aside, and a second check finds nothing', async () => {
    await listWithOneBrokenRecord();

    const check = await run('subscribers', 'doctor');
    const repair = await run('subscribers', 'doctor', '--repair');
    const again = await run('subscribers', 'doctor');

    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`unreadable              ${corruptId}  not JSON`);
    expect(repair.code).toBe(0);
    expect(repair.stdout).toMatch(
      new RegExp(
        `repaired  ${corruptId}  not salvageable \\(no valid address\\): moved aside to subscribers/quarantine/${corruptId}\\.[0-9a-f]{16}\\.json`,
      ),
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('no problems found');
    const quarantined = await readdir(path.join(cwd, 'out', 'subscribers', 'quarantine'));
    expect(
      await readFile(path.join(cwd, 'out', 'subscribers', 'quarantine', quarantined[0] ?? ''), 'utf8'),
    ).toContain('"status":');
    for (const result of [check, repair, again])
      expect(`${result.stdout}${result.stderr}`).not.toContain('carol');
  });

  it('doctor --repair salvages a record whose status is unreadable as unsubscribed', async () => {
    await run('subscribers', 'add', 'dave@example.com');
    const id = addressHash('dave@example.com');
    const file = path.join(cwd, 'out', 'subscribers', `${id}.json`);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"status":"active"', '"status":"actve"'));

    const repair = await run('subscribers', 'doctor', '--repair');
    const list = await run('subscribers', 'list', '--json');

    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain(`repaired  ${id}  salvaged (status replaced)`);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, status: 'unsubscribed' })]);
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
