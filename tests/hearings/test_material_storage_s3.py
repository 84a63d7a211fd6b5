"""Meeting materials in an S3-compatible store (tests/s3.py): uploaded to the bucket under a
safe name, linked from the meeting page, served by the app to its readers only."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hearings.models import Material
from tests.s3 import s3  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_meeting_material_is_uploaded_to_the_bucket_and_served_to_readers_only(
    s3,  # noqa: F811
    client,
    secretariat,
    wt_member,
    outsider,
    hearing,
):
    client.force_login(secretariat)
    response = client.post(
        reverse("hearings:material_create", args=[hearing.pk]),
        {"label": "資料1", "title": "標準仕様書", "file": SimpleUploadedFile("資料1.pdf", PDF)},
    )
    assert response.status_code == 302
    material = Material.objects.get()
    (key,) = s3.keys()
    assert key == material.file.name and re.fullmatch(r"materials/\d{4}/資料1\.pdf", key)
    assert s3.read(key) == PDF
    url = reverse("hearings:material_download", args=[hearing.pk, material.pk])
    assert url in client.get(hearing.get_absolute_url()).content.decode()
    client.force_login(wt_member)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(wt_member)
    other_meeting = reverse("hearings:material_download", args=[hearing.pk + 1, material.pk])
    assert client.get(other_meeting).status_code == 404
