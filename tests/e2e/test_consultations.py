"""Consultation journeys: the secretariat opens a consultation and responds to an opinion; a
municipality saves a draft and then submits; an association is told what its submission
lacks and then submits."""

import pytest

from consultations.demo import POLICY, demo_consultations_load
from consultations.models import Answer, Consultation, Opinion, Position, ResponseKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def consultations(demo_site):
    demo_consultations_load()
    draft_list = Consultation.objects.get(subject_kind="draft_list", is_demo=True)
    policy = Consultation.objects.get(candidates__name=POLICY, is_demo=True)
    return draft_list, policy


def test_the_secretariat_opens_a_consultation_and_responds_to_an_opinion(journey, consultations):
    page, t = journey.page, journey.t
    draft_list, _policy = consultations
    journey.login("secretariat")
    journey.open("/consultations/")
    page.get_by_role("link", name=t("意見照会を作成", "New consultation")).click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_label(t("件名", "Title")).fill("農地台帳システムの推進方針案に関する意見照会")
    page.get_by_label(t("共通化推進方針案", "Promotion-policy draft")).check()
    page.get_by_label("農地台帳システム").check()
    page.get_by_label(t("自由記述の設問", "Free-text questions")).fill("スケジュールについて")
    page.get_by_label(t("照会開始日", "Opening date")).fill("2026-01-05")
    page.get_by_label(t("回答期限", "Deadline")).fill("2026-02-05")
    page.get_by_label(t("全地方公共団体に照会する", "Ask all local governments")).check()
    page.get_by_label("全国町村会").check()
    page.get_by_role("button", name=t("作成する", "Create")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("を作成しました", "Opened the consultation") in journey.message()
    created = Consultation.objects.get(title="農地台帳システムの推進方針案に関する意見照会")
    assert created.questions.count() == 2 and not created.is_demo

    # Respond to 札幌市's condition on 選挙人名簿管理システム in the demo consultation.
    opinion = Opinion.objects.get(
        answer__consultation=draft_list,
        answer__local_government__code="011002",
        question__number=1,
    )
    assert opinion.response is None
    journey.open(draft_list.get_absolute_url())
    page.locator(f"#select-{opinion.pk}").check()
    page.locator("#id_kind").select_option("reflect")
    page.get_by_label(t("対応の内容", "Response text")).fill(
        "区役所単位の名簿管理を要件に含めます。"
    )
    page.get_by_role("button", name=t("対応を記入する", "Record the response")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("1件の意見に対応を記入しました", "Recorded the response to 1 opinions") in (
        journey.message()
    )
    journey.sees("区役所単位の名簿管理を要件に含めます。")
    opinion.refresh_from_db()
    assert opinion.response.kind == ResponseKind.REFLECT


def test_a_municipality_saves_a_draft_then_submits_its_answer(journey, consultations):
    page, t = journey.page, journey.t
    _draft_list, policy = consultations
    question = policy.questions.get(number=1)
    journey.login("municipality_kure")
    journey.open("/consultations/")
    page.get_by_role("link", name=policy.title).click()
    page.wait_for_load_state()
    journey.check()
    page.get_by_role("link", name=t("広島県呉市の回答", "Answer of 広島県呉市")).click()
    page.wait_for_load_state()
    journey.check()
    page.locator(f"#id_q{question.pk}_position").select_option("conditional")
    page.locator(f"#id_q{question.pk}_text").fill("給食費の徴収方法を選べること。")
    page.get_by_role("button", name=t("下書き保存", "Save draft")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("下書きを保存しました", "Saved the draft") in journey.message()
    answer = Answer.objects.get(consultation=policy, local_government__code="342025")
    assert not answer.is_submitted and not answer.versions.exists()

    assert (
        page.locator(f"#id_q{question.pk}_text").input_value() == "給食費の徴収方法を選べること。"
    )
    page.get_by_role("button", name=t("提出する", "Submit")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("回答を提出しました", "Submitted the answer") in journey.message()
    answer.refresh_from_db()
    assert answer.is_submitted and not answer.is_late
    assert answer.versions.get().submitted_by.username == "municipality_kure"
    opinion = answer.opinions.get(question=question)
    assert (opinion.position, opinion.text) == (
        Position.CONDITIONAL,
        "給食費の徴収方法を選べること。",
    )

    # Another body's answer is refused.
    response = page.goto(f"{journey.base_url}/consultations/{policy.pk}/bodies/341002/")
    assert response.status == 403


def test_an_association_is_told_what_its_answer_lacks_then_submits(journey, consultations):
    page, t = journey.page, journey.t
    _draft_list, policy = consultations
    question = policy.questions.get(number=1)
    journey.login("association_shichokai")
    journey.open(policy.get_absolute_url())
    page.get_by_role("link", name=t("全国市長会の回答", "Answer of 全国市長会")).click()
    page.wait_for_load_state()
    journey.check()
    page.locator(f"#id_q{question.pk}_position").select_option("oppose")
    page.get_by_role("button", name=t("提出する", "Submit")).click()
    page.wait_for_load_state()
    journey.check()
    assert page.get_by_role("alert").is_visible()
    assert not Answer.objects.filter(consultation=policy, association__slug="mayors").exists()

    page.locator(f"#id_q{question.pk}_text").fill("各市の給食センターの運営形態に差が大きいため。")
    page.get_by_role("button", name=t("提出する", "Submit")).click()
    page.wait_for_load_state()
    journey.check()
    assert t("回答を提出しました", "Submitted the answer") in journey.message()
    answer = Answer.objects.get(consultation=policy, association__slug="mayors")
    assert answer.is_submitted and answer.opinions.get(question=question).position == "oppose"
    journey.open(policy.get_absolute_url())
    journey.sees("各市の給食センターの運営形態に差が大きいため。")


def test_a_prefecture_uploads_its_municipalities_answer_sheet(journey, consultations, tmp_path):
    """広島県 downloads its sheet, fills in 呉市's and 広島市's rows (as a person would in
    Excel; here with openpyxl), uploads it, checks the preview and confirms; the secretariat
    then reads the opinions on the consultation's page."""
    from openpyxl import load_workbook

    page, t = journey.page, journey.t
    _draft_list, policy = consultations
    journey.login("prefecture_hiroshima")
    journey.open(policy.get_absolute_url())
    page.get_by_role(
        "link",
        name=t(
            "一括回答票（Excel）でまとめて回答する",
            "Answer for several bodies at once with the answer sheet (Excel)",
        ),
    ).click()
    page.wait_for_load_state()
    journey.check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("ダウンロード（.xlsx）", "Download (.xlsx)")).click()
    sheet_path = tmp_path / "sheet.xlsx"
    download_info.value.save_as(sheet_path)

    workbook = load_workbook(sheet_path)
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    code, number = headers.index("団体コード"), headers.index("設問番号")
    position, text = headers.index("賛否"), headers.index("意見")
    texts = {"342025": "給食費の口座振替に対応してほしい。", "341002": "移行時期を示してほしい。"}
    for row in sheet.iter_rows(min_row=2):
        if row[code].value in texts:
            if row[number].value == 1:
                row[position].value = "条件付き賛成"
            row[text].value = texts[row[code].value]
    filled = tmp_path / "filled.xlsx"
    workbook.save(filled)

    page.get_by_label(t("回答票ファイル", "Answer sheet file")).set_input_files(str(filled))
    page.get_by_role("button", name=t("確認する", "Check")).click()
    page.wait_for_load_state()
    journey.check()
    journey.sees("広島県呉市")
    journey.sees("広島県広島市")
    assert not Answer.objects.filter(consultation=policy, local_government__code="342025").exists()
    journey.screenshot("consultation-bulk-preview")
    page.get_by_role(
        "button", name=t("2団体分の回答を提出", "Submit the answers of 2 bodies")
    ).click()
    page.wait_for_load_state()
    journey.check()
    assert t("2団体分の回答を提出しました", "Submitted the answers of 2 bodies") in (
        journey.message()
    )
    kure = Answer.objects.get(consultation=policy, local_government__code="342025")
    assert kure.is_submitted and kure.via_prefecture.code == "340006"

    page.context.clear_cookies()
    journey.login("secretariat")
    journey.open(policy.get_absolute_url())
    journey.sees("給食費の口座振替に対応してほしい。")
    journey.sees("移行時期を示してほしい。")
