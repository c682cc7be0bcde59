"""Settings are read from their declarations: types, derived defaults, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import Settings


def test_values_are_parsed_by_the_declared_type(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "VIVA_TRUSTED_PROXIES": "10.0.0.1, 10.0.0.0/8,",
            "VIVA_SMTP_PORT": "2525",
            "VIVA_WEBHOOK_POLL_SECONDS": "0.5",
            "VIVA_SMTP_STARTTLS": "no",
            "VIVA_S3_SECURE": "yes",
            "VIVA_PUBLIC_URL": "https://viva.example/",
            "VIVA_LOG_LEVEL": "debug",
            "VIVA_SECRET_KEY": "k" * 40,
        },
        data_dir=tmp_path,
    )
    assert s.security.trusted_proxies == ("10.0.0.1", "10.0.0.0/8")
    assert s.email.smtp_port == 2525 and s.webhooks.poll_seconds == 0.5
    assert s.email.smtp_starttls is False and s.storage.s3_secure is True
    assert s.app.public_url == "https://viva.example" and s.app.log_level == "DEBUG"


def test_unset_or_empty_means_the_declared_or_derived_default(tmp_path: Path) -> None:
    s = Settings.from_env({"VIVA_S3_BUCKET": "", "VIVA_SMTP_HOST": ""}, data_dir=tmp_path / "d")
    root = (tmp_path / "d").resolve()
    assert s.app.data_dir == root and s.storage.local_root == root / "media"
    assert s.storage.spool_dir == root / "spool" and s.db.url.endswith(f"{root}/viva.db")
    assert s.storage.s3_bucket == "viva" and s.email.smtp_host is None and not s.email.enabled
    assert s.app.secret_key == (root / "secret_key").read_text().strip()  # generated once
    assert Settings.from_env({}, data_dir=tmp_path / "d").app.secret_key == s.app.secret_key


def test_a_malformed_number_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="VIVA_JOBS_MAX_TRIES must be an integer, got 'four'"):
        Settings.from_env({"VIVA_JOBS_MAX_TRIES": "four"}, data_dir=tmp_path)
    with pytest.raises(ValueError, match="VIVA_JOBS_BACKOFF_SECONDS must be a number"):
        Settings.from_env({"VIVA_JOBS_BACKOFF_SECONDS": "soon"}, data_dir=tmp_path)
