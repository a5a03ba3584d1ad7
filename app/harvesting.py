"""Reading the contacts wholesale through the lists: throttled for viewers, audited for all.

Viewers may not export; paging through ``/contacts`` would be an export by other means. A
viewer who has been sent more than ``CRM_LIST_READ_CONTACTS_PER_MINUTE`` contacts in the last
minute gets 429 with ``Retry-After``, and any list page with more than
``CRM_LIST_READ_AUDIT_ABOVE`` contacts is written to the audit trail, like an export. The
count is kept per process (with several workers a viewer gets the allowance once per worker)."""

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from app.audit import service as audit_service
from app.audit.schemas import AuditAction, AuditEntity
from app.auth.cache import Principal
from app.auth.deps import CurrentUser
from app.auth.models import Role
from app.errors import TooManyRequests

WINDOW_SECONDS = 60.0


class ContactReadMeter:
    """How many contacts each user was sent through lists in the last minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._sent: dict[int, deque[tuple[float, int]]] = {}

    def spend(self, user_id: int, count: int) -> None:
        """Count ``count`` contacts about to be sent, or refuse (429) if they would take the
        user over the allowance; nothing is counted for a refused page."""
        now = self.clock()
        sent = self._sent.setdefault(user_id, deque())
        while sent and sent[0][0] <= now - WINDOW_SECONDS:
            sent.popleft()
        used = sum(n for _, n in sent)
        if used + count > self.per_minute:
            retry_after = self._retry_after(sent, used + count - self.per_minute, now)
            if not sent:
                del self._sent[user_id]
            raise TooManyRequests(
                f"More than {self.per_minute} contacts a minute read through lists; try again "
                f"in {retry_after} s, or ask for smaller pages",
                headers={"Retry-After": str(retry_after)},
            )
        if count:
            sent.append((now, count))
        elif not sent:
            del self._sent[user_id]

    def _retry_after(self, sent: deque[tuple[float, int]], excess: int, now: float) -> int:
        """Seconds until enough of the last minute's reads expire to allow this page."""
        freed = 0
        for at, count in sent:
            freed += count
            if freed >= excess:
                return max(1, math.ceil(at + WINDOW_SECONDS - now))
        return math.ceil(WINDOW_SECONDS)  # a page larger than the allowance itself


class ContactReads:
    """The contacts a list request sends: counted against a viewer's allowance, audited when
    the page is large."""

    def __init__(self, request: Request, user: Principal) -> None:
        self.request = request
        self.user = user

    async def sent(
        self,
        count: int,
        *,
        entity: AuditEntity,
        query: Any,
        entity_id: int | None = None,
    ) -> None:
        state = self.request.app.state
        settings = state.settings
        if self.user.role == Role.viewer:
            meter = getattr(state, "contact_reads", None)
            if meter is None:
                meter = state.contact_reads = ContactReadMeter(
                    settings.list_read_contacts_per_minute
                )
            meter.spend(self.user.id, count)
        if count > settings.list_read_audit_above:
            # Its own transaction: the list itself reads on the read-only session.
            async with state.database.write_sessionmaker() as session, session.begin():
                audit_service.record(
                    session,
                    actor=self.user.username,
                    action=AuditAction.read,
                    entity=entity,
                    entity_id=entity_id,
                    changes={
                        "path": self.request.url.path,
                        "query": query.model_dump(mode="json", exclude_defaults=True),
                        "rows": count,
                    },
                )


async def contact_reads(request: Request, user: CurrentUser) -> ContactReads:
    return ContactReads(request, user)


ContactReadsDep = Annotated[ContactReads, Depends(contact_reads)]
