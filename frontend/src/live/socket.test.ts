import { describe, expect, it, vi } from "vitest";
import { LiveConnection, backoffDelay, liveUrl } from "./socket";

class FakeSocket {
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  sent: string[] = [];
  send(data: string) {
    this.sent.push(data);
  }
  close() {}
  open() {
    this.onopen?.(new Event("open"));
  }
  message(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  drop(code = 1006) {
    this.onclose?.({ code } as CloseEvent);
  }
}

function setup(token: string | null = "t1") {
  const sockets: FakeSocket[] = [];
  const tokenListeners = new Set<(t: string | null) => void>();
  const timers: (() => void)[] = [];
  let current = token;
  const options = {
    url: "ws://x/api/v1/ws",
    getToken: () => current,
    refreshToken: vi.fn(async () => {
      current = "t2";
      return current;
    }),
    onEvent: vi.fn(),
    onResync: vi.fn(),
    onStatus: vi.fn(),
    subscribeToken: (listener: (t: string | null) => void) => {
      tokenListeners.add(listener);
      return () => tokenListeners.delete(listener);
    },
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    setTimer: (fn: () => void) => timers.push(fn),
    clearTimer: () => {},
  };
  const live = new LiveConnection(options);
  const setToken = (t: string) => {
    current = t;
    for (const listener of tokenListeners) listener(t);
  };
  return { live, sockets, timers, options, setToken };
}

describe("backoffDelay", () => {
  it("doubles up to 30 seconds", () => {
    const max = () => 1;
    expect(backoffDelay(0, max)).toBe(500);
    expect(backoffDelay(1, max)).toBe(1000);
    expect(backoffDelay(3, max)).toBe(4000);
    expect(backoffDelay(20, max)).toBe(30000);
    expect(backoffDelay(3, () => 0)).toBe(2000);
  });
});

describe("LiveConnection", () => {
  it("authenticates first and passes events on after ready", () => {
    const { live, sockets, options } = setup();
    live.start();
    sockets[0].open();
    expect(JSON.parse(sockets[0].sent[0])).toEqual({ type: "auth", token: "t1" });
    sockets[0].message({ type: "ready" });
    sockets[0].message({ type: "task.created", project_id: "p", task_id: "t" });
    expect(options.onEvent).toHaveBeenCalledWith({ type: "task.created", project_id: "p", task_id: "t" });
    expect(options.onResync).not.toHaveBeenCalled();
    expect(options.onStatus).toHaveBeenLastCalledWith("live");
  });

  it("reconnects after a drop and re-syncs once ready again", () => {
    const { live, sockets, timers, options } = setup();
    live.start();
    sockets[0].open();
    sockets[0].message({ type: "ready" });
    sockets[0].drop();
    expect(options.onStatus).toHaveBeenLastCalledWith("offline");
    expect(timers).toHaveLength(1);
    timers[0]();
    sockets[1].open();
    sockets[1].message({ type: "ready" });
    expect(options.onResync).toHaveBeenCalledOnce();
  });

  it("refreshes the token on close code 4401 and reconnects with the new one", async () => {
    const { live, sockets, options } = setup();
    live.start();
    sockets[0].open();
    sockets[0].drop(4401);
    await Promise.resolve();
    await Promise.resolve();
    expect(options.refreshToken).toHaveBeenCalledOnce();
    sockets[1].open();
    expect(JSON.parse(sockets[1].sent[0]).token).toBe("t2");
  });

  it("sends a renewed token on the open socket without a re-sync", () => {
    const { live, sockets, options, setToken } = setup();
    live.start();
    sockets[0].open();
    sockets[0].message({ type: "ready" });
    setToken("t9");
    expect(JSON.parse(sockets[0].sent[1])).toEqual({ type: "auth", token: "t9" });
    sockets[0].message({ type: "ready" });
    expect(options.onResync).not.toHaveBeenCalled();
    expect(sockets).toHaveLength(1);
  });

  it("stops reconnecting once stopped", () => {
    const { live, sockets, timers } = setup();
    live.start();
    live.stop();
    sockets[0].drop();
    expect(timers).toHaveLength(0);
  });

  it("builds the URL from the page origin", () => {
    expect(liveUrl({ protocol: "https:", host: "t.example" })).toBe("wss://t.example/api/v1/ws");
    expect(liveUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/api/v1/ws");
  });
});

describe("LiveConnection.resubscribe", () => {
  it("authenticates again on a ready socket, and not before", () => {
    const { live, sockets } = setup();
    live.start();
    sockets[0].open();
    live.resubscribe();
    expect(sockets[0].sent).toHaveLength(1);
    sockets[0].message({ type: "ready" });
    live.resubscribe();
    expect(JSON.parse(sockets[0].sent[1])).toEqual({ type: "auth", token: "t1" });
  });
});
