"""Which body decides what (基本方針): selection and consent (同意) are the council's, in a
meeting or in writing (書面); judgments come from the ministry's feasibility study and are
reviewed by the WT; reports of other outcomes go to the council. Pure rules, no database.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from hearings.models import DecisionBody, DecisionKind, MeetingKind

# The body each kind belongs to; None: any body (その他).
RIGHT_BODY: dict[str, str | None] = {
    DecisionKind.SELECTION: DecisionBody.COUNCIL,
    DecisionKind.CONSENT: DecisionBody.COUNCIL,
    DecisionKind.JUDGMENT_REVIEW: DecisionBody.WT,
    DecisionKind.REPORT: DecisionBody.COUNCIL,
    DecisionKind.OTHER: None,
}

# An outcome line that records a decision: 「（案）のとおり進めていくこととなった」「了承された」.
# (「説明・報告した」 records a report heard, not a decision.)
_DECIDED = re.compile(r"こととなった|了承され|了承した|決定した|決定された|とされた")

# A council meeting not (yet) in the list, named in free text.
_COUNCIL_TEXT = re.compile(r"連絡協議会")


def body_of_meeting_kind(kind: str) -> str | None:
    """The deciding body a meeting of this kind belongs to; None: that meeting decides nothing."""
    bodies: dict[str, str] = {
        MeetingKind.COUNCIL: DecisionBody.COUNCIL,
        MeetingKind.WT: DecisionBody.WT,
    }
    return bodies.get(kind)


def body_of_meeting_text(text: str) -> str | None:
    if _COUNCIL_TEXT.search(text) and "ワーキングチーム" not in text:
        return DecisionBody.COUNCIL
    if "ワーキングチーム" in text:
        return DecisionBody.WT
    return None


def _deciding_body(body: str) -> str:
    """The body that decides: a written procedure is the council's."""
    return DecisionBody.COUNCIL if body == DecisionBody.WRITTEN else body


def wrong_body_message(kind: str, body: str | None) -> str | None:
    """Why `body` may not record a decision of `kind` (naming the right body), or None."""
    right = RIGHT_BODY.get(kind)
    kind_label = DecisionKind(kind).label
    if body is None:
        return _("この会議では決定を記録できません。「%(kind)s」は%(right)sが決定します。") % {
            "kind": kind_label,
            "right": DecisionBody(right).label if right else DecisionBody.COUNCIL.label,
        }
    if right is None:
        return None
    if body == DecisionBody.WRITTEN and right != DecisionBody.COUNCIL:
        return _("書面による決定は連絡協議会の手続です。「%(kind)s」は%(right)sが決定します。") % {
            "kind": kind_label,
            "right": DecisionBody(right).label,
        }
    if _deciding_body(body) != right:
        if kind == DecisionKind.JUDGMENT_REVIEW:
            return _(
                "判断は府省庁の実現可能性調査に基づき、ワーキングチームが確認します。"
                "ワーキングチームの会議で記録してください。"
            )
        return _(
            "「%(kind)s」は%(right)sが決定します（%(wrong)sではありません）。"
            "%(right)sの会議または書面で記録してください。"
        ) % {
            "kind": kind_label,
            "right": DecisionBody(right).label,
            "wrong": DecisionBody(body).label,
        }
    return None


def records_a_decision(outcome: str) -> bool:
    return bool(_DECIDED.search(outcome))


def proposed_kind(*, meeting_kind: str, text: str, names_a_candidate: bool) -> str | None:
    """The kind of decision an outcome line most likely records at a meeting of this kind;
    None where such a meeting decides nothing (a hearing, an interim report)."""
    body = body_of_meeting_kind(meeting_kind)
    if body == DecisionBody.WT:
        return DecisionKind.JUDGMENT_REVIEW if names_a_candidate else DecisionKind.OTHER
    if body == DecisionBody.COUNCIL:
        if "同意" in text:
            return DecisionKind.CONSENT
        if "選定" in text:
            return DecisionKind.SELECTION
        if "報告" in text:
            return DecisionKind.REPORT
        return DecisionKind.OTHER
    return None
