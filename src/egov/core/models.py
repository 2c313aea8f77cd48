"""Audit log: an append-only, hash-chained record of every state change.

Each record stores the SHA-256 hash of its own content and of the previous record's hash in
its chain, and each chain's head stores the chain's last sequence number and hash. An edit,
deletion or insertion made directly in the database therefore breaks a chain at the first
touched record, which ``egov audit verify`` reports. The application has no code path that
updates or deletes a record: the queryset and model refuse it.

There are several chains (``EGOV_AUDIT_CHAINS``, 16 by default) so that concurrent
transactions do not queue behind one head row: a writer locks whichever head is free (see
``core.services.audit_record_create``). A record belongs to one chain; its ``seq`` counts
within that chain.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit record."""


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit records cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records cannot be updated")


class AuditRecord(models.Model):
    # The chain is the id of its head row (AuditChainHead); seq counts from 1 within it.
    chain = models.PositiveIntegerField(_("chain"), default=1)
    seq = models.BigIntegerField(_("sequence"))
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # An account that acted is deactivated, never deleted: the record must keep it.
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=255)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    # The agency the object belongs to, for scoping who may read the record. A plain
    # number, not a foreign key: core does not depend on organizations.
    agency_id = models.BigIntegerField(_("agency"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    # Not indexed: nothing looks a record up by its hash; verification reads chains in order.
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="core_audit_chain_seq")
        ]
        indexes = [
            models.Index(fields=["action"]),
            models.Index(fields=["object_type", "object_id", "created_at"]),
            models.Index(fields=["agency_id", "created_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.chain}.{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit records cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit records cannot be deleted")


class AuditChainHead(models.Model):
    """The end of one chain (its id is the chain's number); locked while a record is appended
    to it, until the transaction ends."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
