// TEMPORARY (issue 17, until every part is ported to Kysely): the synchronous SQLite parts behind the
// async contract, on the very connection Kysely uses, so the BFF can move to the contract while the ports
// land. A bridged part runs its statements at the call; inside store.transaction they run within its
// BEGIN IMMEDIATE (same connection). On PostgreSQL a part not yet ported refuses every call.
import type { Async, StoreParts } from './contract';
import type { User } from '../users';
import type { UserStore, UserUpdate } from '../users';
import type { AsyncUpdateHooks } from './contract';

/** every method of part, its result (or throw) as a Promise */
export function asyncOf<T extends object>(part: T): Async<T> {
  return new Proxy(part, {
    get(target, key) {
      const v: unknown = Reflect.get(target, key);
      if (typeof v === 'object' && v !== null) return asyncOf(v);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        try {
          return Promise.resolve(v.apply(target, args));
        } catch (e) {
          return Promise.reject(e);
        }
      };
    },
  }) as unknown as Async<T>;
}

/** a part (or the methods of one) not on PostgreSQL yet: other calls fail with a message that says so */
export function notPorted<T>(name: string, ported: object = {}, fallback?: object): T {
  return new Proxy(ported, {
    get: (t, key) => {
      if (key in t || typeof key === 'symbol' || key === 'then') return Reflect.get(t, key);
      if (fallback) return Reflect.get(fallback, key);
      return () => Promise.reject(new Error(`store part ${name} is not available on PostgreSQL yet (${String(key)})`));
    },
  }) as T;
}

/**
 * users.update with async hooks over the synchronous part: the caller's transaction (run) covers the read,
 * the hooks and the change, as the ported part's does.
 */
export function bridgedUsers(
  legacy: UserStore,
  run: <R>(fn: (tx: StoreParts) => Promise<R>) => Promise<R>,
): StoreParts['users'] {
  const users = asyncOf(legacy);
  return new Proxy(users, {
    get(target, key) {
      if (key !== 'update') return Reflect.get(target, key);
      return (id: string, change: UserUpdate, hooks: AsyncUpdateHooks = {}) =>
        run(async (tx) => {
          const before: User | null = legacy.get(id);
          if (before && hooks.check) await hooks.check(before, tx);
          const updated = await legacy.update(id, change);
          if (hooks.then) await hooks.then(updated, before ?? updated, tx);
          return updated;
        });
    },
  });
}
