from pydantic import BaseModel, Field


class CalendarTokenRead(BaseModel):
    """The secret address of the user's calendar feed; both are null until one is made."""

    token: str | None = Field(description="The secret in the feed's address")
    url: str | None = Field(description="The feed's address, to subscribe to in a calendar app")
