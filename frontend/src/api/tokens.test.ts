import { describe, expect, it, vi } from "vitest";
import { TokenStore, authFetch } from "./tokens";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("TokenStore.refresh", () => {
  it("shares one in-flight refresh between concurrent callers", async () => {
    const gate = deferred<string | null>();
    const refreshFn = vi.fn(() => gate.promise);
    const store = new TokenStore(refreshFn);
    const a = store.refresh();
    const b = store.refresh();
    gate.resolve("new");
    expect(await a).toBe("new");
    expect(await b).toBe("new");
    expect(refreshFn).toHaveBeenCalledTimes(1);
    expect(store.accessToken).toBe("new");
  });

  it("starts a new refresh after the previous one settled", async () => {
    let n = 0;
    const store = new TokenStore(async () => `t${++n}`);
    expect(await store.refresh()).toBe("t1");
    expect(await store.refresh()).toBe("t2");
  });

  it("treats a failing refresh as signed out", async () => {
    const store = new TokenStore(async () => {
      throw new Error("network");
    });
    store.set("old");
    expect(await store.refresh()).toBeNull();
    expect(store.accessToken).toBeNull();
  });

  it("reuses a token refreshed by someone else after a 401", async () => {
    const refreshFn = vi.fn(async () => "never");
    const store = new TokenStore(refreshFn);
    store.set("newer");
    expect(await store.tokenAfterUnauthorized("older")).toBe("newer");
    expect(refreshFn).not.toHaveBeenCalled();
  });

  it("notifies subscribers of token changes", () => {
    const store = new TokenStore(async () => null);
    const seen: (string | null)[] = [];
    const unsubscribe = store.subscribe((t) => seen.push(t));
    store.set("a");
    unsubscribe();
    store.set("b");
    expect(seen).toEqual(["a"]);
  });
});

describe("authFetch", () => {
  const url = "http://app/api/v1/tasks";

  it("sends the bearer token", async () => {
    const store = new TokenStore(async () => null);
    store.set("abc");
    const base = vi.fn(async (req: Request) => new Response(req.headers.get("Authorization")));
    const res = await authFetch(store, base)(new Request(url));
    expect(await res.text()).toBe("Bearer abc");
  });

  it("refreshes once and retries once on 401, keeping the body", async () => {
    const store = new TokenStore(async () => "fresh");
    store.set("stale");
    const seen: string[] = [];
    const base = vi.fn(async (req: Request) => {
      seen.push(`${req.headers.get("Authorization")} ${await req.text()}`);
      return new Response(null, { status: req.headers.get("Authorization") === "Bearer fresh" ? 200 : 401 });
    });
    const res = await authFetch(store, base)(new Request(url, { method: "POST", body: '{"a":1}' }));
    expect(res.status).toBe(200);
    expect(seen).toEqual(['Bearer stale {"a":1}', 'Bearer fresh {"a":1}']);
  });

  it("does not retry a second time when the retry is also 401", async () => {
    const store = new TokenStore(async () => "fresh");
    const base = vi.fn(async () => new Response(null, { status: 401 }));
    const res = await authFetch(store, base)(new Request(url));
    expect(res.status).toBe(401);
    expect(base).toHaveBeenCalledTimes(2);
  });

  it("concurrent 401s trigger exactly one refresh", async () => {
    const gate = deferred<string | null>();
    const refreshFn = vi.fn(() => gate.promise);
    const store = new TokenStore(refreshFn);
    store.set("stale");
    const base = vi.fn(
      async (req: Request) =>
        new Response(null, { status: req.headers.get("Authorization") === "Bearer fresh" ? 200 : 401 }),
    );
    const f = authFetch(store, base);
    const all = Promise.all([f(new Request(url)), f(new Request(url)), f(new Request(url))]);
    await new Promise((r) => setTimeout(r, 0));
    gate.resolve("fresh");
    const results = await all;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshFn).toHaveBeenCalledTimes(1);
  });

  it("signs out when the refresh fails", async () => {
    const store = new TokenStore(async () => null);
    store.set("stale");
    const onSignedOut = vi.fn();
    const base = vi.fn(async () => new Response(null, { status: 401 }));
    const res = await authFetch(store, base, onSignedOut)(new Request(url));
    expect(res.status).toBe(401);
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(base).toHaveBeenCalledTimes(1);
  });

  it("never retries the auth endpoints themselves", async () => {
    const refreshFn = vi.fn(async () => "fresh");
    const store = new TokenStore(refreshFn);
    const base = vi.fn(async () => new Response(null, { status: 401 }));
    await authFetch(store, base)(new Request("http://app/api/v1/auth/token", { method: "POST" }));
    expect(refreshFn).not.toHaveBeenCalled();
  });
});
