"""Audit log of governance events. Write with :func:`log_event` only."""


def log_event(*, actor, action: str, obj=None, details: dict | None = None, node=None):
    """Append one governance event: who (``actor``, a user or None for the system), what
    (``action``, a dotted verb such as ``vote.opened``), on which object, with JSON ``details``.

    Callers pass no personal data (identity numbers, phone numbers) in ``details``; phone
    numbers in the actor's and the object's names are stored masked (139****5678).
    Runs inside the caller's transaction, so an event is logged if and only if the change is.
    """
    from portal.core.masking import mask_phones_in

    from .models import AuditEvent

    node = node if node is not None else getattr(obj, "governing_node", None)
    event = AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=mask_phones_in(str(actor))
        if getattr(actor, "is_authenticated", False)
        else "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=mask_phones_in(str(obj))[:300] if obj is not None else "",
        jurisdiction_path=getattr(node, "path", "") or "",
        details=details or {},
    )
    event.save()
    return event
