"""The local HS256 secret: `YICHUANG_JWT_SECRET`, or a random one kept in a 0600 file.

The file is created once, atomically (written to a private temporary file, then hard-linked
into place, so two processes starting together agree on one secret), and reused afterwards, so
`yichuang token` and `yichuang serve` agree without any configuration.
"""

import os
import secrets
import stat
import tempfile
from pathlib import Path

from pydantic import SecretStr

from catalog_api.settings import Settings

MIN_SECRET_LENGTH = 32  # bytes; HS256 needs at least its hash size (RFC 7518 §3.2)


class SecretFileError(RuntimeError):
    """The local secret cannot be used (too short, unreadable, or readable by others)."""


def local_secret(settings: Settings) -> str:
    """The HS256 secret of this installation."""
    configured = settings.jwt_secret
    if isinstance(configured, SecretStr):
        configured = configured.get_secret_value()
    if configured is not None:  # a plain string when set through `model_copy(update=…)`
        if len(configured.encode()) < MIN_SECRET_LENGTH:
            raise SecretFileError(f"YICHUANG_JWT_SECRET 过短（至少 {MIN_SECRET_LENGTH} 字节）")
        return configured
    path = settings.jwt_secret_file
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    return _create(path)


def _read(path: Path) -> str:
    with path.open("rb") as file:
        mode = os.fstat(file.fileno()).st_mode
        raw = file.read()
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretFileError(f"令牌密钥文件 {path} 的权限过宽（应为 0600）：chmod 600 {path}")
    secret = raw.decode("utf-8", errors="strict").strip()
    if len(secret.encode()) < MIN_SECRET_LENGTH:
        raise SecretFileError(f"令牌密钥文件 {path} 中的密钥过短（至少 {MIN_SECRET_LENGTH} 字节）")
    return secret


def _create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".jwt-secret-")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(secret + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)  # fails if another process got there first
        except FileExistsError:
            return _read(path)
    finally:
        os.unlink(temporary)
    return secret
