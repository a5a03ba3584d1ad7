from fastapi import APIRouter

# Included before the contacts and invitations routers, so /contacts/export is not taken
# for a contact id.
router = APIRouter(tags=["exports"])
