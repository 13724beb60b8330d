import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClusterWrite } from '../clusters';
import type { SecretKey } from '../secret-key';
import { createClusterStore } from './clusters';
import type { SecretsOn } from './clusters';
import type { SqlStore } from './contract';
import { createSecretStore } from './secrets';
import { ENGINES, handClock, useSqlStores } from './testing';

const key: SecretKey = { key: randomBytes(32), id: 'key-one' };
const secretsOn: SecretsOn = (ctx) => createSecretStore(ctx, key);

const write = (id: string, over: Partial<ClusterWrite> = {}): ClusterWrite => ({
  id,
  name: `Cluster ${id}`,
  kind: 'pve',
  isDefault: false,
  settings: { api: { url: `https://${id}:8006` } },
  secrets: { 'api.tokenSecret': `secret-of-${id}` },
  ...over,
});

describe.each(ENGINES)('sql clusters on %s', (engine) => {
  const t = useSqlStores(engine);
  const clock = handClock(1_000);
  const ctxOf = (s: SqlStore) => t.ctx(s, clock.now);
  const open = async () => {
    clock.at = 1_000;
    const s = await t.open();
    return { s, clusters: createClusterStore(ctxOf(s), secretsOn), secrets: secretsOn(ctxOf(s)) };
  };

  it('saves, lists in creation order, reads one and its secrets', async () => {
    const { s, clusters, secrets } = await open();
    await clusters.save(write('b', { isDefault: true }));
    clock.advance(1);
    await clusters.save(write('a', { secrets: { password: 'pw', 'ssh.key': 'k' } }));
    clock.advance(1);
    await clusters.save(write('c', { secrets: {} }));
    expect((await clusters.list()).map((c) => c.id)).toEqual(['b', 'a', 'c']);
    expect(await clusters.get('b')).toEqual({
      id: 'b',
      name: 'Cluster b',
      kind: 'pve',
      isDefault: true,
      settings: { api: { url: 'https://b:8006' } },
      createdAt: 1_000,
      updatedAt: 1_000,
      removedAt: null,
    });
    expect(await clusters.get('nope')).toBeNull();
    expect(await clusters.secrets('a')).toEqual({ password: 'pw', 'ssh.key': 'k' });
    expect(await clusters.secrets('c')).toEqual({});
    expect(await secrets.names()).toEqual(['cluster/a/password', 'cluster/a/ssh.key', 'cluster/b/api.tokenSecret']);
    // the settings row holds no secret
    const rows = await s.db.selectFrom('clusters').select('settings').execute();
    expect(rows.some((r) => r.settings.includes('secret-of'))).toBe(false);
  });

  it('lists clusters created in the same ms by id in byte order', async () => {
    const { clusters } = await open();
    for (const id of ['b', 'B', 'a', '_x']) await clusters.save(write(id));
    expect((await clusters.list()).map((c) => c.id)).toEqual(['B', '_x', 'a', 'b']);
  });

  it('replacing keeps createdAt, replaces every secret, and moves the default', async () => {
    const { clusters, secrets } = await open();
    await clusters.save(write('a', { isDefault: true, secrets: { old: '1', kept: '2' } }));
    await clusters.save(write('b'));
    clock.at = 5_000;
    await clusters.save(write('b', { name: 'B2', isDefault: true, settings: { x: 1 }, secrets: { kept: '3' } }));
    expect(await clusters.get('b')).toMatchObject({ name: 'B2', isDefault: true, settings: { x: 1 }, createdAt: 1_000, updatedAt: 5_000 });
    expect(await clusters.get('a')).toMatchObject({ isDefault: false, updatedAt: 1_000 });
    expect(await clusters.secrets('b')).toEqual({ kept: '3' });
    expect(await clusters.secrets('a')).toEqual({ old: '1', kept: '2' });
    expect((await secrets.names()).filter((n) => n.startsWith('cluster/b/'))).toEqual(['cluster/b/kept']);
  });

  it('remove marks it removed and deletes its secrets; saving it again brings it back', async () => {
    const { clusters, secrets } = await open();
    await clusters.save(write('a', { isDefault: true }));
    await clusters.save(write('ab'));
    clock.at = 2_000;
    expect(await clusters.remove('a')).toBe(true);
    expect(await clusters.remove('a')).toBe(false);
    expect(await clusters.remove('none')).toBe(false);
    // an id with NUL (PostgreSQL text cannot hold one) is simply absent on both engines
    expect(await clusters.remove('a\0')).toBe(false);
    expect(await clusters.get('a\0')).toBeNull();
    expect(await clusters.get('a')).toMatchObject({ removedAt: 2_000, isDefault: false, updatedAt: 2_000 });
    expect((await clusters.list()).map((c) => [c.id, c.removedAt])).toEqual([['a', 2_000], ['ab', null]]);
    expect(await clusters.secrets('a')).toEqual({});
    // "/" ends the prefix: ab's secrets are not a's
    expect(await secrets.names()).toEqual(['cluster/ab/api.tokenSecret']);
    clock.at = 3_000;
    await clusters.save(write('a'));
    expect(await clusters.get('a')).toMatchObject({ removedAt: null, createdAt: 1_000, updatedAt: 3_000 });
    expect(await clusters.secrets('a')).toEqual({ 'api.tokenSecret': 'secret-of-a' });
  });

  it('a save that fails midway leaves nothing: not the new row, nor its first secrets', async () => {
    const { s, clusters, secrets } = await open();
    const tooLong = 'n'.repeat(300); // the secret's name is refused after the row and the first secret are written
    await expect(clusters.save(write('new', { isDefault: true, secrets: { first: '1', [tooLong]: '2' } }))).rejects.toMatchObject({ code: 'invalid' });
    expect(await clusters.get('new')).toBeNull();
    expect(await secrets.names()).toEqual([]);

    await clusters.save(write('old', { isDefault: true, secrets: { a: 'A' } }));
    await clusters.save(write('other'));
    clock.at = 9_000;
    await expect(clusters.save(write('other', { name: 'changed', isDefault: true, secrets: { b: 'B', [tooLong]: 'x' } }))).rejects.toThrow();
    expect(await clusters.get('other')).toMatchObject({ name: 'Cluster other', isDefault: false, updatedAt: 1_000 });
    expect(await clusters.get('old')).toMatchObject({ isDefault: true });
    expect(await clusters.secrets('other')).toEqual({ 'api.tokenSecret': 'secret-of-other' });
    expect(await s.db.selectFrom('clusters').select('id').orderBy('id').execute()).toEqual([{ id: 'old' }, { id: 'other' }]);
  });

  it('a remove that fails midway leaves the cluster live with its secrets', async () => {
    const { s } = await open();
    const ctx = ctxOf(s);
    let deletes = 0;
    const failing: SecretsOn = (c) => ({
      ...secretsOn(c),
      delete: async (n) => {
        if (++deletes === 2) throw new Error('disk full');
        return secretsOn(c).delete(n);
      },
    });
    const clusters = createClusterStore(ctx, failing);
    await clusters.save(write('a', { secrets: { one: '1', two: '2' } }));
    deletes = 0;
    await expect(clusters.remove('a')).rejects.toThrow('disk full');
    expect(await clusters.get('a')).toMatchObject({ removedAt: null });
    expect(await clusters.secrets('a')).toEqual({ one: '1', two: '2' });
  });

  it('binds the secret store of a write to its transaction, and reads on the database', async () => {
    const { s } = await open();
    const seen: boolean[] = [];
    const spy: SecretsOn = (c) => (seen.push(c.db !== s.db), secretsOn(c));
    const clusters = createClusterStore(ctxOf(s), spy);
    await clusters.save(write('a'));
    await clusters.remove('a');
    await clusters.secrets('a');
    expect(seen).toEqual([true, true, false]);
  });

  it('joins a surrounding transaction: rolled back with it', async () => {
    const { s, clusters } = await open();
    await expect(
      s.db.transaction().execute(async (tx) => {
        await createClusterStore({ ...ctxOf(s), db: tx }, secretsOn).save(write('a'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await clusters.list()).toEqual([]);
  });

  it('skips and reports corrupt rows', async () => {
    const { s, clusters } = await open();
    await clusters.save(write('good'));
    await clusters.save(write('badjson'));
    await clusters.save(write('badshape'));
    await s.db.updateTable('clusters').set({ settings: '{nope' }).where('id', '=', 'badjson').execute();
    await s.db.updateTable('clusters').set({ settings: '[1,2]' }).where('id', '=', 'badshape').execute();
    expect((await clusters.list()).map((c) => c.id)).toEqual(['good']);
    expect(await clusters.get('badjson')).toBeNull();
    expect(t.corrupt.map((c) => [c.table, c.key])).toEqual([
      ['clusters', 'badjson'],
      ['clusters', 'badshape'],
      ['clusters', 'badjson'],
    ]);
    expect(t.corrupt[0]?.problem).toMatch(/invalid JSON/);
  });

  it('a secret written with another key file is refused', async () => {
    const { s, clusters } = await open();
    await clusters.save(write('a'));
    const other = createClusterStore(ctxOf(s), (c) => createSecretStore(c, { key: randomBytes(32), id: 'key-two' }));
    await expect(other.secrets('a')).rejects.toMatchObject({ code: 'bad-key' });
  });
});
