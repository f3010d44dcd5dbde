"""Readiness probes that make a real protocol round trip, using only the standard library.

The launcher runs before the project's virtual environment may exist, so these speak the wire
protocols directly: a Kafka Metadata request, a MongoDB ``ping`` over OP_MSG, an SMTP banner.
"""

from __future__ import annotations

import socket
import struct


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("connection closed mid-response")
        chunks.extend(chunk)
    return bytes(chunks)


def kafka_metadata(host: str, port: int, timeout: float = 3.0) -> int:
    """Send Metadata v0 for all topics; return the number of brokers the cluster reports."""
    client_id = b"skilleval-probe"
    correlation_id = 7
    header = struct.pack(">hhih", 3, 0, correlation_id, len(client_id)) + client_id
    body = struct.pack(">i", 0)  # an empty topic array asks for every topic in v0
    request = header + body
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(struct.pack(">i", len(request)) + request)
        (size,) = struct.unpack(">i", _recv_exact(sock, 4))
        response = _recv_exact(sock, size)
    got_correlation, broker_count = struct.unpack(">ii", response[:8])
    if got_correlation != correlation_id:
        raise ConnectionError("Kafka answered another request")
    return int(broker_count)


def _bson_document(fields: dict[str, object]) -> bytes:
    out = bytearray()
    for key, value in fields.items():
        name = key.encode() + b"\x00"
        if isinstance(value, int):
            out += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, str):
            encoded = value.encode() + b"\x00"
            out += b"\x02" + name + struct.pack("<i", len(encoded)) + encoded
        else:
            raise TypeError(f"unsupported BSON value {value!r}")
    return struct.pack("<i", len(out) + 5) + bytes(out) + b"\x00"


def _bson_ok(document: bytes) -> bool:
    """Find the top-level ``ok`` field (double or int32) in a BSON reply."""
    position = 4
    while position < len(document) - 1:
        kind = document[position]
        name_end = document.index(b"\x00", position + 1)
        name = document[position + 1 : name_end]
        position = name_end + 1
        if kind == 0x01:
            value: float = struct.unpack("<d", document[position : position + 8])[0]
            position += 8
        elif kind == 0x10:
            value = struct.unpack("<i", document[position : position + 4])[0]
            position += 4
        elif kind == 0x12:
            value = struct.unpack("<q", document[position : position + 8])[0]
            position += 8
        elif kind == 0x08:
            value = document[position]
            position += 1
        elif kind in (0x02, 0x0D, 0x0E):
            (length,) = struct.unpack("<i", document[position : position + 4])
            position += 4 + length
            continue
        elif kind in (0x03, 0x04):
            (length,) = struct.unpack("<i", document[position : position + 4])
            position += length
            continue
        elif kind == 0x09:
            position += 8
            continue
        elif kind == 0x07:
            position += 12
            continue
        elif kind in (0x0A, 0x06):
            continue
        else:
            return False
        if name == b"ok":
            return value == 1
    return False


def mongodb_ping(host: str, port: int, timeout: float = 3.0) -> bool:
    """Run ``{ping: 1}`` on ``admin`` over OP_MSG; True when the server answers ok: 1."""
    section = b"\x00" + _bson_document({"ping": 1, "$db": "admin"})
    payload = struct.pack("<I", 0) + section
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, 2013)
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(header + payload)
        (length,) = struct.unpack("<i", _recv_exact(sock, 4))
        reply = _recv_exact(sock, length - 4)
    # reply: requestID, responseTo, opCode (12 bytes), flagBits (4), section kind (1), document
    return _bson_ok(reply[17:])


def smtp_banner(host: str, port: int, timeout: float = 3.0) -> str:
    """Read the SMTP greeting; it must be a 220 line."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        banner = sock.recv(512).decode("ascii", "replace")
        sock.sendall(b"QUIT\r\n")
    if not banner.startswith("220"):
        raise ConnectionError(f"unexpected SMTP greeting: {banner!r}")
    return banner.strip()
