#!/usr/bin/env python3
"""tools/miniredis as a process: prints one JSON line once it accepts
connections, serves RESP, honours --requirepass, exits 0 on SIGTERM and
SIGINT, and rejects bad options. Standard library only."""
import json
import signal
import socket
import subprocess
import sys

exe = sys.argv[1]


def start(*args):
    p = subprocess.Popen([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()  # blocks until the server is ready (or exits)
    assert line, "no JSON line; stderr: " + p.stderr.read()
    info = json.loads(line)
    assert info["host"] == "127.0.0.1", info
    assert info["addr"] == "127.0.0.1:%d" % info["port"], info
    assert info["pid"] == p.pid, info
    return p, info


def call(port, payload):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(payload)
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = s.recv(4096)
            assert chunk, "connection closed"
            data += chunk
        return data


for sig in (signal.SIGTERM, signal.SIGINT):
    p, info = start()
    assert info["port"] > 0
    assert call(info["port"], b"*1\r\n$4\r\nPING\r\n") == b"+PONG\r\n"
    assert call(info["port"], b"SET k v\r\n") == b"+OK\r\n"
    p.send_signal(sig)
    assert p.wait(timeout=10) == 0, "exit status %d" % p.returncode

p, info = start("--requirepass", "pw")
assert call(info["port"], b"GET k\r\n") == b"-NOAUTH Authentication required.\r\n"
p.terminate()
assert p.wait(timeout=10) == 0

# A given port is used as given.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
free = probe.getsockname()[1]
probe.close()
p, info = start("--port", str(free))
assert info["port"] == free, info
# A second one on the same port fails cleanly, with a reason.
q = subprocess.run([exe, "--port", str(free)], capture_output=True, text=True, timeout=10)
assert q.returncode == 1 and "address already in use" in q.stderr, (q.returncode, q.stderr)
p.terminate()
assert p.wait(timeout=10) == 0

for bad in (["--port", "x"], ["--port", "70000"], ["--nope"], ["--port"]):
    q = subprocess.run([exe, *bad], capture_output=True, text=True, timeout=10)
    assert q.returncode == 2, (bad, q.returncode, q.stderr)

print("ok")
