from typing import Annotated

from fastapi import APIRouter, Query

from app.db import SessionDep
from app.search import service as search_service
from app.search.schemas import SearchResults

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults)
async def search(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResults:
    return SearchResults(items=await search_service.search(session, q, limit=limit))
