"""What every provider adapter offers: ``send`` one message with an idempotency key; parse its receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    message_id: str
    channel: str
    to: str
    body: str
    idempotency_key: str
    verification_code: str
    lender: str


@dataclass(frozen=True, slots=True)
class SendResult:
    provider_message_id: str
    #: True when the provider recognised the idempotency key and did not send again.
    duplicate: bool = False


@dataclass(frozen=True, slots=True)
class Receipt:
    """A delivery report. ``status`` is ours: delivered | failed | sent (still in transit)."""

    provider_message_id: str
    status: str
    provider_status: str
    error_code: str | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    from_address: str
    body: str
    to_address: str | None = None
    provider_message_id: str | None = None


class ProviderError(Exception):
    """A send that did not go through. ``transient``: worth retrying later."""

    transient = True


class TransientError(ProviderError):
    transient = True


class PermanentError(ProviderError):
    transient = False


class AmbiguousError(ProviderError):
    """The request may have reached the provider (a timeout after sending, a dropped connection): retrying is safe
    only with a provider that recognises a repeated idempotency key; otherwise the message is not resent."""

    transient = True


@runtime_checkable
class Provider(Protocol):
    name: str

    @property
    def idempotent(self) -> bool:
        """The provider recognises a repeated idempotency key and never sends twice (so a send interrupted by a
        crash may safely be repeated). False: a send whose outcome is unknown is never repeated (at most once)."""
        ...

    def send(self, message: OutgoingMessage) -> SendResult: ...


class ChannelRouter:
    """Sends each channel through its own provider (e.g. SMS over HTTP, e-mail over SMTP)."""

    name = "router"
    idempotent = False

    def __init__(self, routes: dict[str, Provider], default: Provider) -> None:
        self.routes = dict(routes)
        self.default = default

    def for_channel(self, channel: str) -> Provider:
        return self.routes.get(channel, self.default)

    def send(self, message: OutgoingMessage) -> SendResult:
        return self.for_channel(message.channel).send(message)


def resolve(provider: Provider | ChannelRouter, channel: str) -> Provider:
    return provider.for_channel(channel) if isinstance(provider, ChannelRouter) else provider
