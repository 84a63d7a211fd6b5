"""Reads of local-government data shared by pages (and later exports)."""

from django.db.models import Count, Q, QuerySet

from municipalities.models import Association, Kind, LocalGovernment


def local_government_list() -> QuerySet[LocalGovernment]:
    return LocalGovernment.objects.select_related("prefecture", "parent").order_by("code")


def local_government_detail(*, code: str) -> LocalGovernment:
    return (
        LocalGovernment.objects.select_related("prefecture", "parent")
        .prefetch_related("associations")
        .get(code=code)
    )


def master_data_counts() -> dict[str, int]:
    """Counts by kind, for the home page and master-data checks."""
    counts = LocalGovernment.objects.aggregate(
        prefectures=Count("pk", filter=Q(kind=Kind.PREFECTURE)),
        municipalities=Count("pk", filter=~Q(kind__in=[Kind.PREFECTURE, Kind.WARD])),
        wards=Count("pk", filter=Q(kind=Kind.WARD)),
    )
    counts["associations"] = Association.objects.count()
    return counts


def kind_counts() -> dict[str, int]:
    rows = LocalGovernment.objects.values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in rows}


def association_list() -> QuerySet[Association]:
    """The associations with how many local governments each speaks for (their page)."""
    return Association.objects.annotate(member_count=Count("members"))


def associations() -> QuerySet[Association]:
    """The associations alone, for choosing one (no member counts: a join of 1,788 rows)."""
    return Association.objects.all()


def association_or_none(slug: str) -> Association | None:
    return Association.objects.filter(slug=slug).first() if slug else None
