from fastapi import APIRouter

router = APIRouter(prefix="/follow-ups", tags=["follow-ups"])
