import { describe, expect, it } from "vitest";
import { MAX_AGE_MS, mergeSaved, shouldPersist, usableFor } from "./offlineCache";

describe("the offline copy", () => {
  it("keeps projects, tasks and saved filters, not secrets or settings", () => {
    expect(shouldPersist(["projects"])).toBe(true);
    expect(shouldPersist(["tasks", "list", { projectId: 1 }])).toBe(true);
    expect(shouldPersist(["projects", 3, "activity"])).toBe(true);
    expect(shouldPersist(["me"])).toBe(true);
    expect(shouldPersist(["projects", 3, "invitations"])).toBe(false);
    expect(shouldPersist(["api-tokens"])).toBe(false);
    expect(shouldPersist(["webhooks", 3])).toBe(false);
    expect(shouldPersist(["sessions"])).toBe(false);
    expect(shouldPersist(["tasks", "palette", "x"])).toBe(false);
  });

  it("is restored only for its owner, from this build, while recent", () => {
    const now = 1_000_000_000_000;
    const record = { userId: 1, build: "test", savedAt: now - 1000, state: { queries: [], mutations: [] } };
    expect(usableFor(record, 1, now)).toBe(true);
    expect(usableFor(record, 2, now)).toBe(false);
    expect(usableFor({ ...record, build: "older" }, 1, now)).toBe(false);
    expect(usableFor({ ...record, savedAt: now - MAX_AGE_MS }, 1, now)).toBe(false);
    expect(usableFor(undefined, 1, now)).toBe(false);
  });
});

describe("saving from two tabs", () => {
  const query = (hash: string, dataUpdatedAt: number, data: string) =>
    ({ queryHash: hash, queryKey: [hash], state: { dataUpdatedAt, data } }) as never;
  const record = (userId: number, queries: never[]) => ({
    userId,
    build: "test",
    savedAt: 0,
    state: { queries, mutations: [] },
  });
  const now = 1_000_000_000_000;

  it("keeps each query's newer data, whichever tab saves last", () => {
    const saved = record(1, [query("activity", now - 10, "new rows"), query("trash", now - 50, "kept")]);
    const fresh = record(1, [query("activity", now - 100, "old rows"), query("tasks", now - 5, "tasks")]);
    const merged = mergeSaved(saved, fresh, now);
    const data = Object.fromEntries(merged.state.queries.map((q) => [q.queryHash, q.state.data]));
    expect(data).toEqual({ activity: "new rows", tasks: "tasks", trash: "kept" });
  });

  it("never mixes two users' data, and drops what is too old", () => {
    const saved = record(2, [query("projects", now, "someone else's")]);
    const fresh = record(1, [query("tasks", now, "mine")]);
    expect(mergeSaved(saved, fresh, now)).toBe(fresh);
    const old = record(1, [query("projects", now - MAX_AGE_MS - 1, "stale")]);
    expect(mergeSaved(old, fresh, now).state.queries.map((q) => q.queryHash)).toEqual(["tasks"]);
  });
});
