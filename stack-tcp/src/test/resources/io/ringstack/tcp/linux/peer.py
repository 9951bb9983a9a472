"""The Linux side of LinuxPeerTest: a TCP client or server on the kernel's stack, hashing both directions.

client HOST PORT BYTES: connect, send BYTES random bytes, shut down the sending side (half-close), read until
EOF; print 'sent <sha256> <n>', 'received <sha256> <n>' and what 'ss -tin' said during the transfer.
server HOST PORT BYTES: accept one connection, read until EOF, then send BYTES random bytes and close; print the
same lines.
"""
import hashlib
import os
import socket
import subprocess
import sys

role, host, port, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
CHUNK = 1 << 16


def send_all(sock, total):
    digest, sent, ss = hashlib.sha256(), 0, ""
    while sent < total:
        block = os.urandom(min(CHUNK, total - sent))
        sock.sendall(block)
        digest.update(block)
        sent += len(block)
        if not ss and sent >= total // 2:
            ss = subprocess.run(["ss", "-tin"], capture_output=True, text=True).stdout
    return digest.hexdigest(), sent, ss


def receive_all(sock):
    digest, received = hashlib.sha256(), 0
    while True:
        block = sock.recv(CHUNK)
        if not block:
            return digest.hexdigest(), received
        digest.update(block)
        received += len(block)


if role == "client":
    s = socket.create_connection((host, port), timeout=60)
    sent_digest, sent, ss = send_all(s, size)
    s.shutdown(socket.SHUT_WR)
    received_digest, received = receive_all(s)
    s.close()
else:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1)
    print("listening", flush=True)
    s, _ = listener.accept()
    s.settimeout(60)
    received_digest, received = receive_all(s)
    sent_digest, sent, ss = send_all(s, size)
    s.close()
print("sent", sent_digest, sent)
print("received", received_digest, received)
print("ss-begin")
print(ss)
print("ss-end", flush=True)
