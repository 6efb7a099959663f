"""Limit-and-offset pages for every list: 50 records unless asked, 200 at most."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Far beyond any list Hearth holds, and within what every database takes as an OFFSET.
MAX_OFFSET = 2**31 - 1


class ApiPagination(LimitOffsetPagination):
    """Ninja's limit/offset pages, with `on_page(request, records, pagination)` run on each page.

    `on_page` sees the page's records once fetched, to audit them or to add figures for the whole
    page in one query rather than one query a record.
    """

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, *, on_page=None, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
        self.on_page = on_page

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = list(page["items"])
        if self.on_page is not None:
            self.on_page(request, page["items"], pagination)
        return page
