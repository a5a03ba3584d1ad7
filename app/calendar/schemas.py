from pydantic import BaseModel, Field


class CalendarFeedState(BaseModel):
    """Whether the user has a calendar feed. Its address is shown only when it is made: the
    server keeps just a hash of its secret."""

    exists: bool = Field(description="A feed address was made and not removed")


class CalendarToken(BaseModel):
    """A new calendar feed address, shown this once."""

    token: str = Field(description="The secret in the feed's address")
    url: str = Field(description="The feed's address, to subscribe to in a calendar app")
