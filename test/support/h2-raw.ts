import * as net from "node:net";

/**
 * A deliberately misbehaving HTTP/2 client that writes frames by hand, for attacks a well-behaved
 * client library refuses to make: more streams than the server's SETTINGS allow, HEADERS followed at
 * once by RST_STREAM (rapid reset), partial prefaces.
 */
export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
export const FrameType = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
export const ErrorCode = { NO_ERROR: 0, PROTOCOL_ERROR: 1, REFUSED_STREAM: 7, CANCEL: 8, ENHANCE_YOUR_CALM: 11 } as const;

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([h, payload]);
}

function hpackInt(value: number, prefixBits: number, first: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [first | value];
  const out = [first | max];
  value -= max;
  while (value >= 128) {
    out.push((value % 128) + 128);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** HPACK "literal header field without indexing, new name", no Huffman: simple and always valid. */
export function hpack(headers: Array<[string, string]>): Buffer {
  const bytes: number[] = [];
  for (const [name, value] of headers) {
    bytes.push(0x00);
    for (const s of [name, value]) {
      const b = Buffer.from(s, "latin1");
      bytes.push(...hpackInt(b.length, 7, 0x00), ...b);
    }
  }
  return Buffer.from(bytes);
}

export class RawH2 {
  readonly frames: Frame[] = [];
  private readonly answered = new Set<number>();
  private readonly resets = new Set<number>();
  goaway: { lastStreamId: number; code: number } | undefined;
  readonly closed: Promise<void>;
  private buf = Buffer.alloc(0);
  private nextId = 1;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket, private readonly ackSettings: boolean) {
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    socket.on("data", (d) => this.read(d));
  }

  /** Connects and, unless `preface: false`, sends the preface and an empty SETTINGS frame. */
  static async connect(port: number, opts: { preface?: boolean; ackSettings?: boolean } = {}): Promise<RawH2> {
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const c = new RawH2(socket, opts.ackSettings !== false);
    if (opts.preface !== false) {
      socket.write(Buffer.concat([PREFACE, frame(FrameType.SETTINGS, 0, 0)]));
      await c.until(() => c.frames.some((f) => f.type === FrameType.SETTINGS && (f.flags & 1) === 0), 5_000);
    }
    return c;
  }

  private read(d: Buffer) {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 9) {
      const len = this.buf.readUIntBE(0, 3);
      if (this.buf.length < 9 + len) break;
      const f: Frame = { type: this.buf[3], flags: this.buf[4], streamId: this.buf.readUInt32BE(5) & 0x7fffffff, payload: this.buf.subarray(9, 9 + len) };
      this.buf = this.buf.subarray(9 + len);
      this.frames.push(f);
      if (f.type === FrameType.HEADERS) this.answered.add(f.streamId);
      if (f.type === FrameType.RST_STREAM) this.resets.add(f.streamId);
      // Acknowledge the server's SETTINGS: from then on its limits are in force (RFC 9113 6.5.3). An
      // attacker that never acknowledges them gets refused streams (REFUSED_STREAM) instead of a GOAWAY.
      if (this.ackSettings && f.type === FrameType.SETTINGS && (f.flags & 1) === 0 && !this.socket.destroyed) this.socket.write(frame(FrameType.SETTINGS, 1, 0));
      // The first GOAWAY says why; a server may send a second (NO_ERROR) as it closes.
      if (f.type === FrameType.GOAWAY) this.goaway ??= { lastStreamId: f.payload.readUInt32BE(0) & 0x7fffffff, code: f.payload.readUInt32BE(4) };
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when cond holds (re-checked on every frame); rejects after timeoutMs. */
  async until(cond: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error("condition not reached in time");
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  /** Opens a stream with a request's HEADERS; endStream false leaves the request body pending. */
  request(path: string, opts: { method?: string; headers?: Record<string, string>; endStream?: boolean } = {}): number {
    const id = this.nextId;
    this.nextId += 2;
    const headers: Array<[string, string]> = [
      [":method", opts.method ?? "POST"], [":scheme", "http"], [":path", path], [":authority", "127.0.0.1"],
      ...Object.entries(opts.headers ?? { "content-type": "application/proto" }),
    ];
    this.socket.write(frame(FrameType.HEADERS, 0x4 | (opts.endStream ? 0x1 : 0), id, hpack(headers)));
    return id;
  }

  data(streamId: number, payload: Buffer, endStream = true): void {
    this.socket.write(frame(FrameType.DATA, endStream ? 1 : 0, streamId, payload));
  }

  reset(streamId: number, code: number = ErrorCode.CANCEL): void {
    const p = Buffer.alloc(4);
    p.writeUInt32BE(code);
    this.socket.write(frame(FrameType.RST_STREAM, 0, streamId, p));
  }

  /** Streams the server refused or reset, and streams it answered with HEADERS. */
  resetStreams(): ReadonlySet<number> {
    return this.resets;
  }
  answeredStreams(): ReadonlySet<number> {
    return this.answered;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
