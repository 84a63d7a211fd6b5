"""Meeting materials: only real PDFs, no larger than the limit, stored under a safe name inside
MEDIA_ROOT whatever name the browser (or an attacker) sent."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hearings import forms as hearing_forms
from hearings import services
from hearings.material_files import material_file_name
from hearings.models import Material

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SAFE_STORED = re.compile(r"^materials/\d{4}/[\w.-]{1,80}\.pdf$")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def upload(client, secretariat, hearing):
    """POST a raw multipart body, so the file name arrives exactly as given (Django's test
    client would otherwise strip folders from it before sending)."""
    client.force_login(secretariat)
    url = reverse("hearings:material_create", args=[hearing.pk])

    def send(filename: str, content: bytes = PDF, label: str = "資料1"):
        boundary = "kyotsuka-test-boundary"
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="label"\r\n\r\n'
                f"{label}\r\n"
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return client.post(
            url, body, content_type=f"multipart/form-data; boundary={boundary}", follow=True
        )

    return send


def _stored(media_root: Path) -> Path:
    material = Material.objects.get()
    assert SAFE_STORED.match(material.file.name), material.file.name
    path = Path(material.file.path).resolve()
    assert path.is_relative_to(Path(media_root).resolve())
    assert path.read_bytes() == PDF
    assert len(path.name.encode()) < 255
    return path


def test_a_real_pdf_is_stored_under_its_name(upload, media_root, hearing):
    response = upload("資料1_概要.pdf")
    assert response.status_code == 200
    assert "資料を登録しました" in response.content.decode()
    assert _stored(media_root).name == "資料1_概要.pdf"


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(upload, media_root):
    for content in [b"<html><script>alert(1)</script></html>", b"%PDX-1.4", b"MZ\x90\x00"]:
        body = upload("資料1.pdf", content).content.decode()
        assert "PDF ファイルのみ登録できます" in body
    assert "資料を登録できませんでした" in upload("資料1.pdf", b"").content.decode()
    assert not Material.objects.exists()
    assert not any(Path(media_root).rglob("*.pdf"))


def test_a_pdf_with_another_name_is_refused(upload):
    for name in ["資料1.exe", "資料1.pdf.html", "資料1", "資料1.svg"]:
        assert "PDF ファイルのみ登録できます" in upload(name).content.decode(), name
    assert not Material.objects.exists()


def test_a_file_over_twenty_megabytes_is_refused(upload, media_root):
    big = PDF + b"0" * (hearing_forms.MAX_MATERIAL_BYTES - len(PDF) + 1)
    body = upload("大きな資料.pdf", big).content.decode()
    assert "ファイルが大きすぎます（20MBまで）" in body
    assert not Material.objects.exists()
    assert not any(Path(media_root).rglob("*.pdf"))


def test_the_size_limit_is_inclusive(upload, monkeypatch):
    monkeypatch.setattr(hearing_forms, "MAX_MATERIAL_BYTES", len(PDF))
    assert "資料を登録しました" in upload("ちょうど.pdf").content.decode()
    assert "大きすぎます" in upload("超える.pdf", PDF + b"\n").content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\evil.pdf",
        "/etc/passwd.pdf",
        "materials/../../../outside.pdf",
        "%2e%2e%2fescaped.pdf",
    ],
)
def test_folders_in_the_name_are_dropped_and_the_file_stays_in_media_root(
    upload, media_root, tmp_path, name
):
    assert "資料を登録しました" in upload(name).content.decode()
    assert ".." not in _stored(media_root).name  # _stored: one plain name, under MEDIA_ROOT
    outside = [p for p in tmp_path.rglob("*.pdf") if not p.is_relative_to(media_root)]
    assert outside == []


def test_a_three_hundred_character_name_is_shortened_keeping_pdf(upload, media_root):
    name = "令和７年度の共通化に関する説明資料" * 18
    assert len(name) > 300
    assert "資料を登録しました" in upload(name[:296] + ".pdf").content.decode()
    path = _stored(media_root)
    assert path.name.startswith("令和７年度の共通化に関する説明資料")
    assert path.suffix == ".pdf"
    assert len(Material.objects.get().file.name) <= 100


def test_control_characters_in_the_name_are_removed(upload, media_root):
    assert "資料を登録しました" in upload("資料\x01\x1b[31m2\x7f\u202efdp.pdf").content.decode()
    assert _stored(media_root).name == "資料31m2fdp.pdf"


def test_a_nul_in_the_name_is_removed_by_the_service(secretariat, hearing, media_root):
    upload = SimpleUploadedFile("資料\x003.pdf", PDF, content_type="application/pdf")
    material = services.material_add(user=secretariat, meeting=hearing, label="資料3", file=upload)
    assert material.file.name.endswith("/資料3.pdf")
    _stored(media_root)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("資料1-1（概要）.PDF", "資料1-1概要.pdf"),
        ("  spaced   name .pdf", "spaced_name.pdf"),
        (".pdf", "material.pdf"),
        ("....pdf", "material.pdf"),
        ("..", "material.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ("ｶﾀｶﾅ.pdf", "ｶﾀｶﾅ.pdf"),
    ],
)
def test_stored_names_are_plain(sent, stored):
    assert material_file_name(sent) == stored
