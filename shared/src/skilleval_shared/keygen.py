"""Create the Ed25519 key pair that signs access tokens.

    python -m skilleval_shared.keygen DIR [--force]

writes ``DIR/jwt-private.pem`` (PKCS #8, mode 0600) and ``DIR/jwt-public.pem``
(SubjectPublicKeyInfo), to be named by ``JWT_PRIVATE_KEY_FILE`` / ``JWT_PUBLIC_KEY_FILE``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PRIVATE_KEY_NAME = "jwt-private.pem"
PUBLIC_KEY_NAME = "jwt-public.pem"


def generate_keypair() -> tuple[str, str]:
    """A fresh Ed25519 key pair as PEM text: (private PKCS #8, public SubjectPublicKeyInfo)."""
    private_key = Ed25519PrivateKey.generate()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem.decode("ascii"), public_pem.decode("ascii")


def _write(path: Path, text: str, mode: int, *, overwrite: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if overwrite else os.O_EXCL)
    descriptor = os.open(path, flags, mode)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        os.fchmod(handle.fileno(), mode)  # the umask or an existing file may differ
        handle.write(text)


def write_keypair(directory: Path, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Write a fresh key pair into ``directory``; returns (private path, public path)."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / PRIVATE_KEY_NAME
    public_path = directory / PUBLIC_KEY_NAME
    if not overwrite:
        existing = [path for path in (private_path, public_path) if path.exists()]
        if existing:
            raise FileExistsError(f"{existing[0]} exists; use --force to replace it")
    private_pem, public_pem = generate_keypair()
    _write(private_path, private_pem, 0o600, overwrite=overwrite)
    _write(public_path, public_pem, 0o644, overwrite=overwrite)
    return private_path, public_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m skilleval_shared.keygen", description="Create the JWT signing key pair."
    )
    parser.add_argument("directory", type=Path)
    parser.add_argument("--force", action="store_true", help="replace existing key files")
    arguments = parser.parse_args(argv)
    try:
        private_path, public_path = write_keypair(arguments.directory, overwrite=arguments.force)
    except FileExistsError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"JWT_PRIVATE_KEY_FILE={private_path}")
    print(f"JWT_PUBLIC_KEY_FILE={public_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
