#!/usr/bin/env python3
"""The stalled client of bench/shared.sh: connects to a shared route and then never reads.

    python3 bench/shared/stall.py ws://127.0.0.1:PORT/

Prints {"event":"connected"} once upgraded, then waits for a line on stdin (the harness sends one after the
measured window); then reads what the server left it and prints one JSON line: how many lines it got,
the last one's sequence number (the harness maps it to a time through the other clients' timeline) and
the close code the server sent (1008 when its --shared-queue overflowed), or none.

Why not one of SharedLoad's connections: Java cannot set TCP_MAXSEG. Loopback's MSS is ~64 KiB and the
server's kernel send buffer autotunes to a few of those per congestion window, so a silent Java client
soaks up 3-4 MiB in the kernel (~70 s at 500 lines/s) before the server's own queue starts to fill. With
an MSS of 536 and a 4 KiB receive buffer the kernel holds ~200 KiB, and the 1 MiB queue overflows ~25 s in.
"""
import base64
import json
import os
import socket
import struct
import sys
import time
from urllib.parse import urlparse

u = urlparse(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
s.connect((u.hostname, u.port or 80))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    b = s.recv(1)          # byte by byte: nothing after the head is read before the stall ends
    if not b:
        print(json.dumps({"event": "result", "error": "closed during handshake"}), flush=True)
        sys.exit(1)
    head += b
status = head.split(b"\r\n", 1)[0].decode()
if " 101 " not in status + " ":
    print(json.dumps({"event": "result", "error": status}), flush=True)
    sys.exit(1)
print(json.dumps({"event": "connected"}), flush=True)

sys.stdin.readline()       # the stall: until the harness says the window is over
t0 = time.monotonic()
s.settimeout(3)
buf, frames, last_seq, close_code, reason, error = b"", 0, -1, None, None, None
deadline = t0 + 5          # a server that still sends live lines would keep us here for ever
try:
    while close_code is None and time.monotonic() < deadline:
        data = s.recv(1 << 20)
        if not data:
            break
        buf += data
        while len(buf) >= 2:
            op, n, at = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    break
                n, at = struct.unpack(">H", buf[2:4])[0], 4
            elif n == 127:
                if len(buf) < 10:
                    break
                n, at = struct.unpack(">Q", buf[2:10])[0], 10
            if len(buf) < at + n:
                break
            payload, buf = buf[at:at + n], buf[at + n:]
            if op == 1:
                frames += 1
                try:
                    last_seq = int(payload[0:10])
                except ValueError:
                    pass
            elif op == 8:
                close_code = struct.unpack(">H", payload[:2])[0] if n >= 2 else 1005
                reason = payload[2:].decode("utf-8", "replace")
                break
except OSError as e:       # socket.timeout included: the server left it open and silent
    error = str(e) or type(e).__name__
print(json.dumps({"event": "result", "frames": frames, "last_seq": last_seq, "close_code": close_code, "reason": reason,
                  "error": error, "drain_s": round(time.monotonic() - t0, 3)}), flush=True)
