"""The demo rounds and proposals: loaded once, marked, one decided round linked to the demo
draft-list consultation, and a proposal in each triage state."""

import datetime as dt

from candidates.demo import demo_data_load
from candidates.lifecycle import Stage
from consultations.demo import demo_consultations_load
from core.demo import demo_accounts_ensure
from selection import selectors
from selection.demo import TEIGEN, demo_selection_load, unwrap_pdf_lines
from selection.models import Outcome, Proposal, ProposalStatus, SelectionRound

TODAY = dt.date(2026, 11, 24)


def test_demo_rounds_and_proposals_load_once_in_every_state(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_accounts_ensure()
    demo_data_load(today=TODAY)
    demo_consultations_load(today=TODAY)
    assert [demo_selection_load(today=TODAY) for _twice in range(2)] == [4, 4]
    for model in (SelectionRound, Proposal):
        assert not model.objects.filter(is_demo=False).exists()

    decided, following = SelectionRound.objects.order_by("fiscal_year")
    assert decided.is_decided and decided.decision_reason and not following.is_decided
    assert {d.outcome for d in decided.drafts.all()} == {
        Outcome.SELECTED,
        Outcome.DEFERRED,
        Outcome.NOT_SELECTED,
    }
    assert [c.title for c in selectors.round_consultations(selection_round=decided)] == [
        "共通化の対象候補案に関する意見照会"
    ]
    assert {p.status for p in Proposal.objects.all()} == set(ProposalStatus)
    drafted = Proposal.objects.get(status=ProposalStatus.DRAFTED)
    assert drafted.round == following and drafted.candidate.stage == Stage.DRAFT
    teigen = Proposal.objects.get(association__slug="designated-cities")
    assert teigen.status == ProposalStatus.ANSWERED and teigen.attachments.count() == 1


def test_the_teigen_reads_as_paragraphs_with_every_word_kept():
    raw = TEIGEN.read_text(encoding="utf-8")
    paragraphs = unwrap_pdf_lines(raw).split("\n\n")
    assert paragraphs[0] == "自治体情報システムの標準化・共通化に関する指定都市市長会提言"
    assert "記" in paragraphs
    assert any(
        p.startswith("１ 情報システムの標準化・共通化の検討に当たっては") for p in paragraphs
    )
    assert "".join(unwrap_pdf_lines(raw).split()) == "".join(raw.split())
