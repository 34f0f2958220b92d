/**
 * A WebSocket that comes back. Reconnects with exponential backoff and jitter after an unexpected
 * close, at once when the browser says it is online again, and never while it says it is offline
 * (a socket opened then would only fail and log). The caller decides which close codes are final.
 *
 * JSON in and out. The caller owns the protocol: `onOpen` runs on every (re)connection, so a
 * client that must resume after a reconnect does it there.
 */

export type SocketState = 'idle' | 'connecting' | 'open' | 'waiting' | 'offline' | 'closed';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: each delay is randomised by ± this share, so clients do not reconnect in lockstep. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.25 };

/** The delay before reconnect attempt `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = defaultBackoff, random = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** attempt);
  const spread = base * options.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

export interface ReconnectingSocketOptions {
  /** The URL to connect to now, or null when a connection cannot be made yet (e.g. no token). */
  url: () => string | null | Promise<string | null>;
  onOpen?: () => void;
  onMessage: (data: unknown) => void;
  /** Every close; return false to stop reconnecting (a final code such as "not found"). */
  onClose?: (code: number, reason: string) => boolean | void;
  onStateChange?: (state: SocketState) => void;
  backoff?: BackoffOptions;
  /** A ping frame sent this often while open (keeps proxies from closing an idle socket). */
  pingIntervalMs?: number;
  pingFrame?: unknown;
}

export class ReconnectingSocket {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = true;
  private current: SocketState = 'idle';
  private readonly onOnline = () => this.reconnectNow();
  private readonly onOffline = () => this.goOffline();

  constructor(private readonly options: ReconnectingSocketOptions) {}

  get state(): SocketState {
    return this.current;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    void this.connect();
  }

  /** Send a JSON frame; false when the socket is not open (the caller keeps the work for later). */
  send(frame: unknown): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Try now (the network is back, a token appeared); resets the backoff. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    this.clearTimer();
    void this.connect();
  }

  /** Close for good. A socket still connecting is closed once open, which the browser does not log as a failure. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.clearTimer();
    this.detach(1000, 'bye');
    this.setState('closed');
  }

  private setState(state: SocketState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }

  private isOffline(): boolean {
    return typeof navigator !== 'undefined' && navigator.onLine === false;
  }

  private goOffline(): void {
    if (this.stopped) return;
    this.clearTimer();
    this.detach(1000, 'offline');
    this.setState('offline');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (this.isOffline()) {
      this.setState('offline');
      return;
    }
    this.setState('connecting');
    let url: string | null;
    try {
      url = await this.options.url();
    } catch {
      url = null;
    }
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return;
    if (!url) {
      this.schedule();
      return;
    }
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setState('open');
      this.startPing();
      this.options.onOpen?.();
    };
    socket.onmessage = (event: MessageEvent) => {
      if (this.socket !== socket || typeof event.data !== 'string') return;
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      this.options.onMessage(data);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPing();
      const again = this.options.onClose?.(event.code, event.reason);
      if (this.stopped) return;
      if (again === false) {
        this.stopped = true;
        window.removeEventListener('online', this.onOnline);
        window.removeEventListener('offline', this.onOffline);
        this.setState('closed');
        return;
      }
      if (this.isOffline()) this.setState('offline');
      else this.schedule();
    };
  }

  private schedule(): void {
    this.clearTimer();
    this.setState('waiting');
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private startPing(): void {
    this.stopPing();
    if (!this.options.pingIntervalMs || this.options.pingFrame === undefined) return;
    this.pingTimer = setInterval(() => this.send(this.options.pingFrame), this.options.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private detach(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.stopPing();
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    if (socket.readyState === WebSocket.CONNECTING) {
      socket.onopen = () => socket.close(code, reason);
      socket.onerror = () => {};
    } else {
      socket.onopen = null;
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    }
  }
}
