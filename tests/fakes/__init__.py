"""Fake messaging providers on loopback, answering as MSG91 and Meta document, errors included."""

from .providers import FakeMeta, FakeMsg91, FakeProvider

__all__ = ["FakeMeta", "FakeMsg91", "FakeProvider"]
