"""Password hashing with Argon2id (memory-hard), via argon2-cffi's tuned defaults.

One hash or check costs about 0.1 s of CPU and 64 MiB. It runs in a worker thread (argon2-cffi
releases the GIL), so the event loop keeps serving requests and consuming Kafka meanwhile; a
semaphore bounds how many run at once, so a burst of logins queues instead of exhausting memory
and starving the rest of the service.
"""

from __future__ import annotations

import asyncio
import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_running = asyncio.Semaphore(max(1, (os.cpu_count() or 1)))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    async with _running:
        return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    async with _running:
        return await asyncio.to_thread(_verify, password_hash, password)


# A real hash of nothing anyone knows: checked against when the account does not exist, so an
# unknown user costs the same time as a wrong password (no account enumeration by timing).
DUMMY_HASH = _hasher.hash(os.urandom(16).hex())
