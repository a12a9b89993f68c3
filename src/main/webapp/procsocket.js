// procsocket.js: the browser side of the procsocket.v1 protocol (docs/PROTOCOL.md), one dependency-free
// ES module served by the server itself at /.procsocket/procsocket.js (no CDN, no build step).
//
//   import { connect } from '/.procsocket/procsocket.js';
//   const p = connect('ws://host/path', { resume: true });   // { bearer: token } for --bearer/--jwt-jwks
//   p.on('stdout', (data) => ...); p.on('stderr', ...); p.on('exit', (e) => ...); p.on('close', ...);
//   p.write('a line\n'); p.eof(); p.signal('INT'); p.close();
//
// Events: 'open' ({protocol, resumed}) for each connection; 'start' ({pid, id, resumed}); 'stdout' and
// 'stderr' (data, {seq}): data is a string in text mode and a Uint8Array with --binary; 'missed'
// ({from, to}: output messages the server's resume buffer dropped); 'exit' ({code} or {signal}); 'error' ({message, fatal}); 'reconnecting'
// ({attempt, delay, code, reason}); 'close' ({code, reason, wasClean}) once, when the client is done for good.

export const PROTOCOL = 'procsocket.v1';
/** The subprotocol entry that carries a bearer token (the browser's WebSocket API cannot set headers). */
export const BEARER_PREFIX = 'bearer.';
// RFC 7230 3.2.6 tchar: what a Sec-WebSocket-Protocol entry may be made of.
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether a bearer token can travel as a subprotocol entry (JWTs can: base64url and dots). */
export function carriesAsSubprotocol(token) {
  return TOKEN_CHARS.test(String(token));
}

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const EVENTS = ['open', 'start', 'stdout', 'stderr', 'missed', 'exit', 'error', 'reconnecting', 'close'];

const DEFAULTS = {
  resume: false,
  // 250 ms doubling to 8 s: a Wi-Fi hiccup is bridged within a second, a longer outage does not hammer the
  // server; 10 attempts span about 40 s, longer than a typical --resume window.
  initialDelay: 250,
  maxDelay: 8000,
  maxAttempts: 10,
  // A token for --bearer or --jwt-jwks, offered as the subprotocol entry bearer.<token> on every connection
  // (reconnects included); the server never echoes it back.
  bearer: null,
  // More subprotocol entries to offer after procsocket.v1.
  protocols: [],
};

export function connect(url, options) {
  return new ProcsocketClient(url, options);
}

export class ProcsocketClient {
  constructor(url, options) {
    this.url = String(url);
    this.options = Object.assign({}, DEFAULTS, options || {});
    this.protocols = [PROTOCOL].concat(Array.from(this.options.protocols || [], String));
    const bearer = this.options.bearer;
    if (bearer !== null && bearer !== undefined && bearer !== '') {
      if (!carriesAsSubprotocol(bearer)) {
        // Said here, without the token: the WebSocket constructor's own SyntaxError would quote it.
        throw new TypeError('procsocket: this bearer token cannot be carried as a subprotocol entry: only letters, ' +
          'digits and !#$%&\'*+-.^_`|~ can (a JWT can); send it in an Authorization header or a cookie instead');
      }
      this.protocols.push(BEARER_PREFIX + bearer);
    }
    this.handlers = new Map(EVENTS.map((e) => [e, []]));
    this.socket = null;
    this.token = null;
    this.lastSeq = 0;
    this.pid = null;
    this.starts = 0;
    this.exited = false;
    this.userClosed = false;
    this.finished = false;
    this.refused = false;
    this.attempt = 0;
    this.timer = null;
    // Requests made while no connection can take them (before the first open, during a reconnect): sent,
    // in order, right after the connection's first message.
    this.queue = [];
    this.ready = false;
    // Microtask, so that handlers registered right after connect() see the first events.
    Promise.resolve().then(() => { if (!this.finished) { this.open(); } });
  }

  /** Registers fn for event; returns a function that unregisters it. */
  on(event, fn) {
    const list = this.handlers.get(event);
    if (!list) {
      throw new TypeError('unknown event ' + event + '; one of ' + EVENTS.join(', '));
    }
    list.push(fn);
    return () => { const i = list.indexOf(fn); if (i >= 0) { list.splice(i, 1); } };
  }

  /** The current connection's readyState; CONNECTING while a reconnect is pending, CLOSED once finished. */
  get readyState() {
    if (this.finished) { return 3; }
    return this.socket ? this.socket.readyState : 0;
  }

  get bufferedAmount() {
    return this.socket ? this.socket.bufferedAmount : 0;
  }

  /** Writes text to the program's stdin exactly (UTF-8, no newline added). */
  write(text) {
    this.send(JSON.stringify({ type: 'stdin', data: String(text) }));
  }

  /** Writes bytes to stdin as they are: one binary frame, the stream byte 0 first. */
  writeBytes(bytes) {
    const body = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const frame = new Uint8Array(body.length + 1);
    frame[0] = STDIN;
    frame.set(body, 1);
    this.send(frame);
  }

  /** Closes the program's stdin; output and exit still arrive. */
  eof() {
    this.send(JSON.stringify({ type: 'eof' }));
  }

  /** INT, TERM, HUP, QUIT, USR1, USR2 or KILL, to the program's process group. */
  signal(name) {
    this.send(JSON.stringify({ type: 'signal', name: String(name) }));
  }

  /** Ends the program (a clean close, 1000 unless told otherwise) and the client; no reconnect. */
  close(code, reason) {
    if (this.finished) { return; }
    const ws = this.socket;
    if (ws && ws.readyState < 2) {
      // First, so that a code or reason the browser refuses (it throws) leaves the client as it was.
      ws.close(code === undefined ? 1000 : code, reason === undefined ? '' : reason);
    }
    this.userClosed = true;
    this.queue = [];
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!ws || ws.readyState === 3) {
      this.finish({ code: 1000, reason: '', wasClean: true });
    }
  }

  // ---- internals ----

  emit(event, ...args) {
    for (const fn of this.handlers.get(event).slice()) {
      try {
        fn(...args);
      } catch (e) {
        // One failing handler must not stop the stream for the others, nor lose the output that follows.
        setTimeout(() => { throw e; });
      }
    }
  }

  send(message) {
    if (this.finished || this.userClosed) {
      throw new Error('procsocket: the client is closed');
    }
    if (this.ready && this.socket && this.socket.readyState === 1) {
      this.socket.send(message);
    } else {
      this.queue.push(message);
    }
  }

  open() {
    let ws;
    try {
      ws = new WebSocket(this.url, this.protocols);
    } catch (e) {
      this.emit('error', { message: 'cannot connect to ' + this.url + ': ' + e.message, fatal: true });
      this.finish({ code: 1006, reason: '', wasClean: false });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    this.ready = false;
    const resuming = this.token !== null;
    ws.addEventListener('open', () => {
      if (ws !== this.socket) { return; }
      if (ws.protocol !== PROTOCOL) {
        // A server (or proxy) that dropped the offer speaks plain line mode: nothing here would make sense.
        this.emit('error', { message: 'the server did not accept the ' + PROTOCOL + ' subprotocol', fatal: true });
        this.userClosed = true;
        ws.close(1000);
        return;
      }
      if (resuming) {
        // Kept until the resumed start brings the next one: should this connection drop before that, the
        // next attempt tries it again, and if the server did take it, refuses it (1008) and the client ends.
        ws.send(JSON.stringify({ type: 'resume', token: this.token, since: this.lastSeq }));
      } else if (this.options.resume) {
        // With --resume on, the server waits up to 500 ms for a first message that might be a resume;
        // this one is not, so the program starts at once.
        ws.send(JSON.stringify({ type: 'stdin', data: '' }));
      }
      this.ready = true;
      const pending = this.queue;
      this.queue = [];
      for (const m of pending) { ws.send(m); }
      this.emit('open', { protocol: ws.protocol, resumed: resuming });
    });
    ws.addEventListener('message', (event) => {
      if (ws !== this.socket) { return; }
      if (typeof event.data === 'string') {
        this.onText(event.data);
      } else {
        this.onBinary(new Uint8Array(event.data));
      }
    });
    ws.addEventListener('close', (event) => {
      if (ws !== this.socket) { return; }
      this.onClose(event);
    });
  }

  onText(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch (e) {
      this.emit('error', { message: 'not JSON from the server: ' + text.slice(0, 200), fatal: false });
      return;
    }
    switch (m && m.type) {
      case 'start': {
        const resumed = this.starts > 0;
        this.starts++;
        this.attempt = 0;
        this.pid = m.pid;
        this.token = typeof m.resume === 'string' ? m.resume : null;
        this.emit('start', { pid: m.pid, id: m.id, resumed: resumed });
        break;
      }
      case 'stdout':
      case 'stderr':
        // The server replays from since+1; anything at or below what was shown would be a duplicate.
        if (typeof m.seq === 'number' && m.seq <= this.lastSeq) { return; }
        if (typeof m.seq === 'number') { this.lastSeq = m.seq; }
        this.emit(m.type, m.data, { seq: this.lastSeq });
        break;
      case 'missed':
        if (typeof m.to === 'number' && m.to > this.lastSeq) { this.lastSeq = m.to; }
        this.emit('missed', { from: m.from, to: m.to });
        break;
      case 'exit':
        this.exited = true;
        this.token = null;
        this.emit('exit', m.signal !== undefined ? { signal: m.signal } : { code: m.code });
        break;
      case 'error':
        this.emit('error', { message: String(m.message), fatal: false });
        break;
      default:
        this.emit('error', { message: 'unknown message from the server: ' + text.slice(0, 200), fatal: false });
    }
  }

  onBinary(bytes) {
    if (bytes.length === 0 || (bytes[0] !== STDOUT && bytes[0] !== STDERR)) {
      this.emit('error', { message: 'binary frame with unknown stream byte ' + (bytes.length ? bytes[0] : 'none'),
        fatal: false });
      return;
    }
    // Binary output carries no seq: each frame is the next one, as the server counts them.
    this.lastSeq++;
    this.emit(bytes[0] === STDOUT ? 'stdout' : 'stderr', bytes.subarray(1), { seq: this.lastSeq });
  }

  onClose(event) {
    this.socket = null;
    this.ready = false;
    if (event.code === 1008 && this.starts > 0 && !this.exited) {
      // The server refused the resume (its error message came just before): starting a new program instead
      // would silently lose the old one's state, so the client stops and says so.
      this.refused = true;
    }
    // 1001 is also how the server tells a connection that another one resumed its program: that other one
    // (another tab, or this client's own earlier attempt) has it now, and the token is spent.
    const abnormal = event.code === 1006 || (event.code === 1001 && event.reason !== 'resumed elsewhere');
    if (!this.userClosed && !this.exited && !this.refused && abnormal && this.options.resume && this.token !== null) {
      this.retry(event);
      return;
    }
    if (this.refused) {
      this.emit('error', { message: 'the server refused to resume the program: ' + (event.reason || 'code 1008'),
        fatal: true });
    }
    this.finish({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  }

  retry(event) {
    this.attempt++;
    if (this.attempt > this.options.maxAttempts) {
      this.emit('error', { message: 'gave up reconnecting after ' + this.options.maxAttempts + ' attempts',
        fatal: true });
      this.finish({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      return;
    }
    const delay = Math.min(this.options.maxDelay, this.options.initialDelay * Math.pow(2, this.attempt - 1));
    this.emit('reconnecting', { attempt: this.attempt, delay: delay, code: event.code, reason: event.reason });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.finished && !this.userClosed) { this.open(); }
    }, delay);
  }

  finish(info) {
    if (this.finished) { return; }
    this.finished = true;
    this.queue = [];
    this.emit('close', info);
  }
}
