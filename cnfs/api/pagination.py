"""The page numbers every list of the API takes."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any list of the platform, and within a database's 64-bit OFFSET.
MAX_PAGE = 1_000_000


class Pagination(PageNumberPagination):
    """Ninja's page numbers, bounded: a page out of range answers 422, not 500."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Numéro de page, à partir de 1")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE, description="Taille de page (plafonnée par la liste)"
        )
