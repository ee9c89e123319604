// The last data the app had, kept in IndexedDB so that opened offline it shows the lists and
// tasks from the last time (SPEC §13; docs/security.md "Offline copy in the browser").
//
// Two records: who was signed in (`session`: the user, never a token), and that user's query
// cache (`queries`, TanStack Query's dehydrated state, tagged with the owner and the build).
// The cache is restored only for its owner, replaced at the next user's sign-in, and deleted
// at sign-out and whenever the session ends. The service worker caches the app shell only;
// API responses live nowhere else.
import { dehydrate, hydrate, type DehydratedState, type Query, type QueryClient } from "@tanstack/react-query";
import type { User } from "../api/types";

const DB_NAME = "taskflow-offline";
const STORE = "cache";
/** Data older than this is not shown offline. */
export const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Another build may shape its data differently: its cache is dropped. */
const BUILD = import.meta.env.MODE === "test" ? "test" : __TASKFLOW_BUILD__;
const SAVE_DELAY_MS = 1000;

type SessionRecord = { user: User; savedAt: number };
export type QueriesRecord = { userId: User["id"]; build: string; savedAt: number; state: DehydratedState };

/** What is worth showing offline: projects, tasks and saved filters, not secrets or settings. */
const PERSISTED_ROOTS = new Set(["me", "projects", "tasks", "filters"]);
const NEVER_PERSISTED = new Set(["invitations", "palette"]);

export function shouldPersist(queryKey: readonly unknown[]): boolean {
  return (
    typeof queryKey[0] === "string" &&
    PERSISTED_ROOTS.has(queryKey[0]) &&
    !queryKey.some((part) => typeof part === "string" && NEVER_PERSISTED.has(part))
  );
}

/** The cache restored only when it is this user's, from this build, and recent enough. */
export function usableFor(record: QueriesRecord | undefined, userId: User["id"], now = Date.now()): boolean {
  return !!record && record.userId === userId && record.build === BUILD && now - record.savedAt < MAX_AGE_MS;
}

let dbPromise: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB unavailable"));
  }).catch((error: unknown) => {
    dbPromise = null;
    throw error;
  });
  return dbPromise;
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = act(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
  });
}

/** IndexedDB may be missing (private windows in some browsers): then nothing is kept. */
async function quietly<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return typeof indexedDB === "undefined" ? undefined : await work();
  } catch {
    return undefined;
  }
}

let owner: User["id"] | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let stopWatching: (() => void) | undefined;

/** The user who was signed in last, to open the app with when the server cannot be reached. */
export function lastSession(): Promise<User | undefined> {
  return quietly(async () => (await run<SessionRecord | undefined>("readonly", (s) => s.get("session")))?.user);
}

/**
 * Put `userId`'s saved queries back into the cache (before the pages ask for them), all of them
 * stale: shown at once, and fetched again as soon as a page uses them and the server answers.
 */
export async function restoreQueries(qc: QueryClient, userId: User["id"]): Promise<void> {
  const record = await quietly(() => run<QueriesRecord | undefined>("readonly", (s) => s.get("queries")));
  if (!usableFor(record, userId)) return;
  hydrate(qc, record!.state);
  await qc.invalidateQueries({ refetchType: "none" });
}

/**
 * Two tabs save into the same record: each query is kept from whichever saved the newer data,
 * so a tab that closes last cannot put back what another tab had already updated.
 */
export function mergeSaved(saved: QueriesRecord | undefined, fresh: QueriesRecord, now = Date.now()): QueriesRecord {
  if (!saved || saved.userId !== fresh.userId || saved.build !== fresh.build) return fresh;
  const byHash = new Map(fresh.state.queries.map((q) => [q.queryHash, q]));
  for (const old of saved.state.queries) {
    const mine = byHash.get(old.queryHash);
    if (mine ? old.state.dataUpdatedAt > mine.state.dataUpdatedAt : now - old.state.dataUpdatedAt < MAX_AGE_MS) {
      byHash.set(old.queryHash, old);
    }
  }
  return { ...fresh, state: { ...fresh.state, queries: [...byHash.values()] } };
}

async function save(qc: QueryClient, userId: User["id"]): Promise<void> {
  if (owner !== userId) return;
  const state = dehydrate(qc, {
    shouldDehydrateQuery: (query: Query) => query.state.status === "success" && shouldPersist(query.queryKey),
    shouldDehydrateMutation: () => false,
  });
  const fresh: QueriesRecord = { userId, build: BUILD, savedAt: Date.now(), state };
  await quietly(async () => {
    const db = await openDb();
    await new Promise<void>((resolve, reject) => {
      // Read and write in one transaction: no other tab's save lands in between.
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const read = store.get("queries");
      read.onsuccess = () => store.put(mergeSaved(read.result as QueriesRecord | undefined, fresh), "queries");
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
    });
  });
}

/** Keep `user`'s session and queries saved while they are signed in (a second after each change). */
export function startPersisting(qc: QueryClient, user: User): void {
  stopPersisting();
  owner = user.id;
  const session: SessionRecord = { user, savedAt: Date.now() };
  void quietly(() => run("readwrite", (s) => s.put(session, "session")));
  const unsubscribe = qc.getQueryCache().subscribe((event) => {
    if (event.type !== "updated" && event.type !== "removed") return;
    if (timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        void save(qc, user.id);
      }, SAVE_DELAY_MS);
    }
  });
  // Leaving the page (a reload, a closed tab): save what the waiting timer would have.
  const flush = () => {
    if (timer === undefined) return;
    clearTimeout(timer);
    timer = undefined;
    void save(qc, user.id);
  };
  window.addEventListener("pagehide", flush);
  stopWatching = () => {
    unsubscribe();
    window.removeEventListener("pagehide", flush);
  };
}

export function stopPersisting(): void {
  owner = null;
  clearTimeout(timer);
  timer = undefined;
  stopWatching?.();
  stopWatching = undefined;
}

/** Sign-out, a revoked session, a deleted account: nothing of this user stays in the browser. */
export function clearOfflineCache(): Promise<void> {
  stopPersisting();
  return quietly(() => run("readwrite", (s) => s.clear())).then(() => undefined);
}
