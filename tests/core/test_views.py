import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_requires_login(client):
    for url in [reverse("home"), reverse("municipalities:association_list")]:
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_login_page_is_in_japanese_by_default(client):
    body = client.get(reverse("login")).content.decode()
    assert 'lang="ja"' in body
    assert "ログイン" in body


def test_a_wt_member_logs_in_and_lands_on_the_dashboard(client, wt_member):
    response = client.post(
        reverse("login"), {"username": "wt_member", "password": "pw-for-tests-only"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("candidates:dashboard")


def test_a_login_without_a_role_sees_master_data_and_whom_to_ask(client, outsider):
    client.force_login(outsider)
    body = client.get(reverse("home")).content.decode()
    assert "1,741" in body and "47" in body and "175" in body
    assert "事務局に役割の設定を依頼してください" in body


def test_a_wrong_password_gets_a_clear_message(client, wt_member):
    response = client.post(reverse("login"), {"username": "wt_member", "password": "nope"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_the_language_switch_changes_the_interface_to_english(wt_client):
    response = wt_client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert 'lang="en"' in body
    assert "Dashboard" in body


def test_japanese_is_shown_even_to_a_browser_that_prefers_english(client):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="ja"' in body


def test_the_language_can_be_switched_on_the_login_page_before_logging_in(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/login/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/login/"
    assert "Username" in response.content.decode()


def test_the_wt_role_is_named_as_the_minutes_write_it(wt_client):
    from core.roles import Role

    assert Role.WT_MEMBER.label == "ワーキングチームメンバー"
    body = wt_client.get(reverse("candidates:dashboard")).content.decode()
    assert '<span class="tag">WTメンバー</span>' in body  # the short form in the header
    assert "WT委員" not in body
    wt_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = wt_client.get(reverse("candidates:dashboard")).content.decode()
    assert '<span class="tag">WT member</span>' in body


def test_only_the_secretariat_is_shown_the_audit_trail_in_the_menu(client, secretariat, wt_member):
    """Behind the menu's 事務局 item, with the secretariat's other tools."""
    link = f'href="{reverse("secretariat")}"'
    client.force_login(wt_member)
    assert link not in client.get(reverse("candidates:dashboard")).content.decode()
    client.force_login(secretariat)
    assert link in client.get(reverse("candidates:dashboard")).content.decode()
    tools = client.get(reverse("secretariat")).content.decode()
    for name in ("audit", "candidates:consistency", "notifications:log"):
        assert f'href="{reverse(name)}"' in tools
