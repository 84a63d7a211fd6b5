"""Page numbers for templates/components/pagination.html, shared by every paginated list."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def page_numbers(page: Page) -> list[int | None]:
    """The numbers to link: the first and last page, two on each side of this one, and None
    where a run of pages is left out (shown as an ellipsis): 1 … 18 19 20 21 22 … 40."""
    paginator = page.paginator
    return [
        number if isinstance(number, int) else None
        for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
