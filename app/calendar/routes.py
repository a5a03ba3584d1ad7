from fastapi import APIRouter

router = APIRouter(tags=["calendar"])  # the user's calendar token (needs a bearer token)
feed_router = APIRouter(tags=["calendar"])  # the .ics feed itself (its secret is the credential)
