// One WebSocket per tab to /api/v1/ws: authenticate, pass events on, reconnect with backoff.
import type { LiveEvent } from "../api/queryKeys";

export type LiveStatus = "connecting" | "live" | "offline";

/** Delay before reconnect attempt `attempt` (0-based): 0.5 s doubling to 30 s, with jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Close code the server uses for a missing, invalid or expired token. */
export const UNAUTHORIZED_CLOSE = 4401;

type SocketLike = {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  send(data: string): void;
  close(code?: number): void;
};

export type LiveOptions = {
  url: string;
  getToken: () => string | null;
  refreshToken: () => Promise<string | null>;
  onEvent: (event: LiveEvent) => void;
  /** Called on every `ready` after the first: events may have been missed, refetch. */
  onResync: () => void;
  onStatus?: (status: LiveStatus) => void;
  /** Token changes: a fresh token is sent on the open socket, so it outlives the old one. */
  subscribeToken?: (listener: (token: string | null) => void) => () => void;
  createSocket?: (url: string) => SocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export class LiveConnection {
  private socket: SocketLike | null = null;
  private attempt = 0;
  private everReady = false;
  private stopped = false;
  private timer: unknown = null;
  private refreshedForThisAttempt = false;
  private readyOnThisSocket = false;
  private unsubscribe: () => void = () => {};
  private readonly options: Required<LiveOptions>;

  constructor(options: LiveOptions) {
    this.options = {
      onStatus: () => {},
      subscribeToken: () => () => {},
      createSocket: (url) => new WebSocket(url),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.options.subscribeToken((token) => {
      if (token && this.socket && this.readyOnThisSocket) this.socket.send(JSON.stringify({ type: "auth", token }));
    });
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer !== null) this.options.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000);
    }
  }

  /**
   * Authenticate again on the open socket, which makes the server reload the user's
   * projects: used after joining or creating a project.
   */
  resubscribe(): void {
    const token = this.options.getToken();
    if (token && this.socket && this.readyOnThisSocket) this.socket.send(JSON.stringify({ type: "auth", token }));
  }

  private connect(): void {
    if (this.stopped) return;
    const token = this.options.getToken();
    if (!token) {
      void this.options.refreshToken().then((fresh) => (fresh ? this.connect() : this.options.onStatus("offline")));
      return;
    }
    this.options.onStatus("connecting");
    const socket = this.options.createSocket(this.options.url);
    this.socket = socket;
    this.readyOnThisSocket = false;
    socket.onopen = () => socket.send(JSON.stringify({ type: "auth", token }));
    socket.onmessage = (message) => this.receive(message.data);
    socket.onerror = () => {};
    socket.onclose = (event) => this.closed(event.code);
  }

  private receive(raw: unknown): void {
    let event: LiveEvent;
    try {
      event = JSON.parse(String(raw)) as LiveEvent;
    } catch {
      return;
    }
    if (event.type === "ready") {
      // A second `ready` on the same socket only confirms a renewed token.
      if (this.readyOnThisSocket) return;
      this.readyOnThisSocket = true;
      this.attempt = 0;
      this.refreshedForThisAttempt = false;
      this.options.onStatus("live");
      if (this.everReady) this.options.onResync();
      this.everReady = true;
      return;
    }
    if (event.type === "ping" || event.type === "pong") return;
    this.options.onEvent(event);
  }

  private closed(code: number): void {
    this.socket = null;
    this.readyOnThisSocket = false;
    if (this.stopped) return;
    this.options.onStatus("offline");
    if (code === UNAUTHORIZED_CLOSE && !this.refreshedForThisAttempt) {
      // The access token expired or was revoked: refresh once, then reconnect at once.
      this.refreshedForThisAttempt = true;
      void this.options.refreshToken().then((fresh) => {
        if (fresh) this.connect();
      });
      return;
    }
    const delay = backoffDelay(this.attempt++);
    this.timer = this.options.setTimer(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}

export function liveUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws`;
}
