"""Proposal journey: an association submits a proposal (提案・要望) with an attachment and sees
it received; it cannot open another body's proposal; the secretariat makes it a draft in the
open selection round; the association then sees the status and the answer."""

import pytest

from candidates.models import Ministry
from consultations.demo import demo_consultations_load
from selection.demo import demo_selection_load
from selection.models import Proposal, ProposalStatus, SelectionRound

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TITLE = "ごみ収集運搬業許可事務の共通化"
ANSWER = "次年度の候補案として、効果の見込みと実現可能性を検討します。"


@pytest.fixture
def rounds(demo_site):
    demo_consultations_load()
    demo_selection_load()
    return SelectionRound.objects.get(is_demo=True, decided_on__isnull=True)


def test_an_association_submits_a_proposal_and_sees_how_it_was_taken_up(journey, rounds):
    page, t = journey.page, journey.t
    journey.login("association_shichokai")
    journey.open("/proposals/")
    page.get_by_role("link", name=t("提案・要望を提出", "Submit a proposal")).click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label(t("件名", "Title")).fill(TITLE)
    page.get_by_label(t("対象のシステム・業務", "Systems or business concerned")).fill(
        "一般廃棄物収集運搬業の許可事務"
    )
    page.get_by_label(t("提案・要望の内容", "Proposal Required")).fill(
        "許可の申請・更新を各市が個別に受け付けている。共通の申請受付を要望する。"
    )
    page.get_by_label(t("添付ファイル", "Attachments")).set_input_files(
        [{"name": "要望書.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name=t("提出する", "Submit")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("を提出しました", "submitted") in journey.message()
    journey.sees(t("受付済み", "Received"))
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.association.slug == "mayors" and proposal.attachments.count() == 1
    journey.screenshot("proposal_submitted")

    # Another association's proposal is not for 全国市長会 to read.
    other = Proposal.objects.get(association__slug="core-cities")
    response = page.goto(f"{journey.base_url}{other.get_absolute_url()}")
    assert response.status == 403

    page.context.clear_cookies()
    journey.login("secretariat")
    journey.open(proposal.get_absolute_url())
    page.get_by_label(t("候補案として検討", "Considered as a draft candidate")).check()
    page.locator("#id_round").select_option(str(rounds.pk))
    page.locator("#id_lead_ministry").select_option(
        str(Ministry.objects.get(name="環境省", bureau="").pk)
    )
    page.get_by_label(t("提案した団体への回答", "Answer to the proposer")).fill(ANSWER)
    page.get_by_role("button", name=t("処理の結果を記録する", "Record the triage")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("処理の結果を記録しました", "Triage recorded") in journey.message()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFTED
    assert rounds.drafts.filter(candidate=proposal.candidate).exists()

    page.context.clear_cookies()
    journey.login("association_shichokai")
    journey.open("/proposals/")
    journey.sees(t("候補案として検討", "Considered as a draft candidate"))
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    journey.check()
    journey.sees(ANSWER)
    journey.sees(rounds.title if t("ja", "en") == "ja" else "Selection round")
    journey.screenshot("proposal_answered")
