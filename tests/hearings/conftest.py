import datetime as dt

import pytest

from candidates.models import Candidate, Ministry
from hearings.models import EntryKind, MeetingKind
from municipalities.models import Association
from tests.meetings import save_meeting


@pytest.fixture
def care_candidate(db):
    ministry = Ministry.objects.create(name="厚生労働省")
    return Candidate.objects.create(
        name="介護認定審査会支援システム", selected_fiscal_year=2025, lead_ministry=ministry
    )


@pytest.fixture
def hearing(secretariat):
    return save_meeting(
        secretariat,
        kind=MeetingKind.HEARING,
        title="指定都市市長会ヒアリング",
        date=dt.date(2025, 10, 18),
        start_time=dt.time(14, 30),
        end_time=dt.time(15, 15),
        place="オンライン開催",
        association=Association.objects.get(slug="designated-cities"),
        attendees=[
            {
                "group": "heard",
                "organisation": "指定都市市長会",
                "title": "事務局長",
                "name": "山田 太郎",
            },
            {
                "group": "wt_member",
                "organisation": "山口県",
                "title": "総合企画部長",
                "name": "佐藤 花子",
                "proxy_name": "鈴木 一郎",
                "proxy_unit": "デジタル推進局",
                "proxy_title": "次長",
            },
        ],
        agenda_items=[],
        entries=[
            {
                "kind": EntryKind.QUESTION,
                "question_number": 1,
                "text": "介護保険事務の標準化の影響は。",
            },
            {
                "kind": EntryKind.ANSWER,
                "question_number": 1,
                "text": "介護認定の事務負担が大きい。",
            },
            {
                "kind": EntryKind.REMARK,
                "question_number": 1,
                "text": "→ 共通化の効果は大きいのではないか。",
            },
        ],
        raw_text="（原文）",
    )
