"""The official lifecycle of a common-platform candidate (基本方針, 2024-06-18).

候補案 (a draft in a yearly selection round, selection/) → 候補選定 → 実現可能性調査 → 中間報告 → judgment → 推進方針案 → 同意 (or 同意省略) → 推進中 → 供用開始;
the judgments 共通化以外の方法の検討が妥当 and 見送り lead instead to 協議会へ報告 → optional 個別協議要請.
Every allowed move is listed in TRANSITIONS; anything else is an illegal jump.

A draft (候補案) is not yet a 共通化候補: lists, counts, the council PDF and calendars leave drafts
out unless asked for them (the stage filter), and only a round's decision (selection/services)
moves a draft to 候補選定, at a council meeting or in writing (書面).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DRAFT = "draft", _("候補案")
    SELECTED = "selected", _("候補選定")
    FEASIBILITY = "feasibility", _("実現可能性調査")
    INTERIM = "interim", _("中間報告")
    JUDGED_PROCEED = "judged_proceed", _("判断：共通化を進める")
    JUDGED_CONDITIONAL = "judged_conditional", _("判断：条件を整備して進める")
    JUDGED_OTHER_METHOD = "judged_other_method", _("判断：共通化以外の方法の検討が妥当")
    JUDGED_NOT_PURSUED = "judged_not_pursued", _("判断：見送り")
    POLICY_DRAFT = "policy_draft", _("推進方針案")
    CONSENTED = "consented", _("同意")
    CONSENT_OMITTED = "consent_omitted", _("同意省略")
    IN_PROGRESS = "in_progress", _("推進中")
    IN_SERVICE = "in_service", _("供用開始")
    REPORTED = "reported", _("協議会へ報告")
    CONSULTATION_REQUESTED = "consultation_requested", _("個別協議要請")


JUDGMENTS = (
    Stage.JUDGED_PROCEED,
    Stage.JUDGED_CONDITIONAL,
    Stage.JUDGED_OTHER_METHOD,
    Stage.JUDGED_NOT_PURSUED,
)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.DRAFT: (Stage.SELECTED,),
    Stage.SELECTED: (Stage.FEASIBILITY,),
    Stage.FEASIBILITY: (Stage.INTERIM,),
    Stage.INTERIM: JUDGMENTS,
    Stage.JUDGED_PROCEED: (Stage.POLICY_DRAFT,),
    Stage.JUDGED_CONDITIONAL: (Stage.POLICY_DRAFT,),
    Stage.JUDGED_OTHER_METHOD: (Stage.REPORTED,),
    Stage.JUDGED_NOT_PURSUED: (Stage.REPORTED,),
    Stage.POLICY_DRAFT: (Stage.CONSENTED, Stage.CONSENT_OMITTED),
    Stage.CONSENTED: (Stage.IN_PROGRESS,),
    Stage.CONSENT_OMITTED: (Stage.IN_PROGRESS,),
    Stage.IN_PROGRESS: (Stage.IN_SERVICE,),
    Stage.IN_SERVICE: (),
    Stage.REPORTED: (Stage.CONSULTATION_REQUESTED,),
    Stage.CONSULTATION_REQUESTED: (),
}

# From consent on, a candidate is a decided target: 「共通化対象（令和7年度決定分）」.
DECIDED_STAGES = (Stage.CONSENTED, Stage.CONSENT_OMITTED, Stage.IN_PROGRESS, Stage.IN_SERVICE)
# Stages of a candidate not pursued as a common platform (judged otherwise, reported, left to
# individual consultation): its schedule no longer runs, so calendars leave its milestones out.
ENDED_STAGES = (
    Stage.JUDGED_OTHER_METHOD,
    Stage.JUDGED_NOT_PURSUED,
    Stage.REPORTED,
    Stage.CONSULTATION_REQUESTED,
)
# Stages whose transition is a body's decision (基本方針), kept as a decision record
# (hearings.Decision, of this kind: a hearings.DecisionKind value) that cites where it was
# taken: a judgment comes from the ministry's feasibility study and is reviewed by the WT; the
# report of another outcome and the consent are the council's (a meeting or 書面). Selection
# (候補案 → 候補選定) is a round's decision (selection/services).
DECISION_OF_STAGE: dict[str, str] = {
    **{judgment: "judgment_review" for judgment in JUDGMENTS},
    Stage.REPORTED: "report",
    Stage.CONSENTED: "consent",
}
# Stages whose transition note is a required reason (consent may be omitted only with one).
REASON_REQUIRED = (Stage.CONSENT_OMITTED,)
# Stages that are not (yet) a 共通化候補: left out of candidate lists and counts by default.
PRE_SELECTION_STAGES = (Stage.DRAFT,)


def allowed_next(stage: str) -> tuple[str, ...]:
    return TRANSITIONS.get(stage, ())


def can_move(from_stage: str, to_stage: str) -> bool:
    return to_stage in allowed_next(from_stage)


def is_decided(stage: str) -> bool:
    return stage in DECIDED_STAGES


def is_draft(stage: str) -> bool:
    return stage in PRE_SELECTION_STAGES


def path_to(stage: str, *, via: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The moves that take a new candidate (候補選定) to `stage`, passing every stage of `via`.

    Where TRANSITIONS offers a choice, the first listed move is taken unless `via` asks for
    another (a judgment, consent or its omission), so tests and the demo walk the usual way.
    A candidate registered directly starts at 候補選定: a draft's only move (to 候補選定) is a
    round's decision, not a path step.
    """

    def walk(current: str, taken: tuple[str, ...]) -> tuple[str, ...] | None:
        if current == stage and set(via) <= set(taken):
            return taken
        for step in allowed_next(current):
            found = walk(step, (*taken, step))
            if found is not None:
                return found
        return None

    path = walk(Stage.SELECTED, ())
    if path is None:
        raise ValueError(f"no way from {Stage.SELECTED} to {stage} through {via}")
    return path
