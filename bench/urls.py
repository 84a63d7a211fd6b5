"""The product's URLs plus what only benchmarks need.

- `floor/`: a fixed string through the whole middleware stack, login-exempt: the framework's
  floor, the least any page can cost.
- `bench-admin/`: the Django admin's candidate changelist exactly as the product registers it
  (candidates/admin.py), but 50 rows a page like the product's list, so both show the same rows.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from candidates.admin import CandidateAdmin
from candidates.models import Candidate
from candidates.views import PAGE_SIZE
from config.urls import handler500
from config.urls import urlpatterns as product_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@login_not_required
def floor(request):
    return HttpResponse("floor")


class BenchAdminSite(admin.AdminSite):
    site_url = None


class PagedCandidateAdmin(CandidateAdmin):
    list_per_page = PAGE_SIZE


bench_admin = BenchAdminSite(name="bench_admin")
bench_admin.register(Candidate, PagedCandidateAdmin)

urlpatterns = [
    path("floor/", floor),
    path("bench-admin/", bench_admin.urls),
    *product_urlpatterns,
]
