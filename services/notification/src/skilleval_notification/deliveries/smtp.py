"""Sending over SMTP with aiosmtplib: a few reused connections and a rate cap (the throttle).

``send`` raises ``TransientFailure`` when trying again later may work (no connection, a 4xx
reply, a timeout) and ``PermanentFailure`` when it cannot (a 5xx refusal of the message).
"""

from __future__ import annotations

import asyncio
import time

import aiosmtplib


class TransientFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class RateLimit:
    """At most ``per_second`` starts per second, spread evenly."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self.next_slot = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self.lock:
            now = time.monotonic()
            delay = self.next_slot - now
            self.next_slot = max(now, self.next_slot) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class SmtpPool:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        connections: int = 4,
        per_second: float = 1000.0,
        use_tls: bool = False,
        start_tls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.rate = RateLimit(per_second)
        self.idle: asyncio.LifoQueue[aiosmtplib.SMTP] = asyncio.LifoQueue()
        for _ in range(connections):
            self.idle.put_nowait(
                aiosmtplib.SMTP(
                    hostname=host,
                    port=port,
                    use_tls=use_tls,
                    start_tls=start_tls,
                    username=username,
                    password=password,
                    timeout=timeout,
                )
            )

    async def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Send one ready MIME message (envelope ``sender`` → ``recipient``)."""
        await self.rate.wait()
        client = await self.idle.get()
        try:
            await self._send(client, sender, recipient, message)
        finally:
            self.idle.put_nowait(client)

    async def _send(
        self, client: aiosmtplib.SMTP, sender: str, recipient: str, message: bytes
    ) -> None:
        try:
            if not client.is_connected:
                await client.connect()
            errors, _ = await client.sendmail(sender, [recipient], message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"收件人被拒收：{codes}") from error
            raise TransientFailure(f"收件人暂时被拒：{codes}") from error
        except aiosmtplib.SMTPConnectError as error:
            await self._drop(client)
            raise TransientFailure(f"SMTP 连接失败：{error!r}") from error
        except aiosmtplib.SMTPResponseException as error:
            await self._drop(client)
            if 500 <= error.code < 600:
                raise PermanentFailure(f"SMTP {error.code} {error.message}") from error
            raise TransientFailure(f"SMTP {error.code} {error.message}") from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            await self._drop(client)
            raise TransientFailure(f"SMTP 连接失败：{error!r}") from error
        if errors:
            raise PermanentFailure(f"收件人被拒收：{sorted(errors)}")

    @staticmethod
    async def _drop(client: aiosmtplib.SMTP) -> None:
        if client.is_connected:
            client.close()

    async def close(self) -> None:
        while not self.idle.empty():
            client = self.idle.get_nowait()
            if client.is_connected:
                try:
                    await client.quit()
                except aiosmtplib.SMTPException:
                    client.close()
