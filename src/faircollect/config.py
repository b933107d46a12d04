"""Settings from the environment (prefix ``FAIRCOLLECT_``; ``DATABASE_URL`` for the database)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAIRCOLLECT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///faircollect.sqlite3",
        validation_alias=AliasChoices("DATABASE_URL", "FAIRCOLLECT_DATABASE_URL"),
        description="SQLAlchemy URL. SQLite file by default; postgresql+psycopg://… in production.",
    )
    jurisdiction: str = Field(default="CN", description="Default rulebook jurisdiction (CN, US, UK).")
    business_timezone: str = Field(
        default="Asia/Shanghai", description="The lender's business zone for dates."
    )
    lender_name: str = Field(
        default="示例金融 Demo Lending", description="Name shown in messages and verification."
    )
    api_keys: str = Field(
        default="",
        description="Development only: comma-separated KEY=NAME:ROLE entries (KEY=NAME:agency_agent:AGENCY_ID for "
        "an agency agent), accepted as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'. Production uses users and "
        "tokens (faircollect users add / tokens issue).",
    )
    session_cookie_secure: bool = Field(
        default=True, description="Mark session cookies Secure (keep True; HTTPS or localhost only)."
    )
    staff_session_hours: int = Field(default=10, ge=1, le=24, description="Lifetime of a console sign-in.")
    portal_session_minutes: int = Field(default=30, ge=5, le=720, description="Lifetime of a portal sign-in.")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For is "
        "believed. Empty: the client address is the TCP peer's, whatever the headers say.",
    )
    rate_limit_storage: str = Field(
        default="",
        description="Storage URI of the rate limits (the 'limits' library), e.g. redis://127.0.0.1:6379/0. "
        "Empty: Redis at 127.0.0.1:6379 with PostgreSQL, process memory with SQLite (development).",
    )
    reveal_per_hour: int = Field(
        default=20, ge=1, description="Full personal-data reveals one user may make per hour."
    )
    verify_per_minute: int = Field(
        default=10, ge=1, description="Verification look-ups one client address may make per minute."
    )
    verify_failures_per_hour: int = Field(
        default=20,
        ge=1,
        description="Failed verification attempts (unknown codes, wrong proofs) per client per hour.",
    )
    official_channels: str = Field(
        default="官方 App / official app: 示例金融; 客服热线 / customer service: 400-000-0000 (demo)",
        description="The lender's official channels, ';'-separated, shown with every verification answer.",
    )
    oidc_issuer: str = Field(default="", description="Staff single sign-on: the OpenID Connect issuer URL.")
    oidc_client_id: str = Field(default="", description="Staff single sign-on: the client id.")
    oidc_client_secret: str = Field(default="", description="Staff single sign-on: the client secret.")
    max_amount: int = Field(
        default=100_000_000,
        ge=1,
        description="Largest single amount (major units) the API accepts in a payment, waiver or disbursement.",
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1_000, description="Largest request body the API reads (bytes); larger → 413."
    )
    max_upload_bytes: int = Field(
        default=10_000_000,
        ge=1_000,
        description="Largest multipart upload (attachments) the web reads (bytes).",
    )
    audit_key_file: Path = Field(
        default=Path("faircollect-audit.key"),
        description="Ed25519 private key (PEM) used to sign audit checkpoints; created on first use.",
    )
    audit_checkpoint_every: int = Field(default=1000, description="Sign a checkpoint every N audit records.")
    audit_checkpoint_seconds: int = Field(
        default=60,
        ge=0,
        description="Also sign a checkpoint when the oldest unsigned record is this old (0: never by time); "
        "`serve` signs the head this often and at shutdown.",
    )
    audit_sink: str = Field(
        default="file:faircollect-audit-receipts.jsonl",
        description="Where each signed checkpoint is also appended, outside the database: file:PATH "
        "(append-only JSON lines, 0600) or module:factory.",
    )
    audit_public_key: str | None = Field(
        default=None,
        description="Trusted Ed25519 public key (base64) that `audit verify` checks signatures with; default: the "
        "public half of audit_key_file when that file exists.",
    )
    audit_retention_years: int = Field(
        default=5, ge=5, description="Audit records are kept at least this long (NIFA 2018: ≥ 5 years)."
    )
    kek: SecretStr | None = Field(
        default=None,
        description="Key-encryption key (32 random bytes, base64) that wraps the per-borrower data keys. "
        "Wins over kek_file. See docs/privacy.md.",
    )
    kek_file: Path = Field(
        default=Path("faircollect-kek.key"),
        description="File holding the key-encryption key (base64); created with mode 0600 on first use.",
    )
    strategy_logs_dir: Path | None = Field(
        default=None,
        description="Logged champion/challenger experiment (`faircollect strategy experiment --logs DIR`) whose "
        "policy values the console's strategy page shows (estimated once per logs content, then cached).",
    )
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True)

    def official_channel_list(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.official_channels.split(";") if c.strip())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
