"""Sample contexts for every document template, shaped like the contracts in their header comments."""

import datetime as dt
from types import SimpleNamespace

ORGANISATION = SimpleNamespace(name="北京示例精密机械有限公司", credit_code="91110108MA01ABCD2X", district="海淀区")
APPLICATION = {
    "number": "BA-2026-000123",
    "organisation": ORGANISATION,
    "submitted_at": dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
    "accepted_at": dt.date(2026, 11, 25),
}
SCOPE_ROWS = [
    {
        "occupation": "车工",
        "code": "6-18-01-01",
        "trade": "",
        "levels": ["三级/高级工", "四级/中级工", "五级/初级工"],
        "methods": ["过程考核", "结果认定"],
    },
    {
        "occupation": "电工",
        "code": "6-31-01-03",
        "trade": "维修电工",
        "levels": ["二级/技师", "三级/高级工"],
        "methods": ["业绩评审"],
    },
    {
        "occupation": "焊工",
        "code": "6-18-02-04",
        "trade": "焊工（手工电弧焊）",
        "levels": ["五级/初级工"],
        "methods": ["技能竞赛"],
    },
]


def sample_contexts() -> dict[str, dict]:
    """Template name -> a realistic context for it."""
    return {
        "documents/acceptance_notice.html": {
            "doc_number": "京人社备受〔2026〕123号",
            "application": APPLICATION,
            "scope_rows": SCOPE_ROWS,
            "next_steps": "本机关将在受理后安排现场考察，请保持联系人电话畅通。\n考察结束后将组织专业评估。",
        },
        "documents/supplement_notice.html": {
            "doc_number": "京人社备补〔2026〕45号",
            "application": APPLICATION,
            "deficiencies": ["缺少营业执照副本扫描件", "职业“电工”未配备考评员", "自我评价方案未加盖公章"],
            "deadline": dt.date(2026, 12, 9),
            "issued_on": dt.date(2026, 11, 25),
        },
        "documents/rejection_notice.html": {
            "doc_number": "京人社备不〔2026〕7号",
            "application": APPLICATION,
            "reasons": "申请单位成立不满一年，不符合备案条件。\n申请的职业不在本市备案目录内。",
            "issued_on": dt.date(2026, 11, 25),
        },
        "documents/inspection_report.html": {
            "doc_number": "京人社备考〔2026〕88号",
            "application": APPLICATION,
            "inspection": {
                "planned_date": dt.date(2026, 12, 3),
                "leader_name": "王建国",
                "member_names": ["李明", "赵晓红"],
                "findings": [
                    {"code": "1.1", "text": "具有固定的认定场所，场地面积满足要求", "result_label": "通过", "note": ""},
                    {"code": "1.2", "text": "考核设备设施齐全并定期检定", "result_label": "通过", "note": "车床12台"},
                    {
                        "code": "2.1",
                        "text": "考评员数量与认定规模相适应",
                        "result_label": "不通过",
                        "note": "电工考评员仅1名",
                    },
                    {"code": "3.1", "text": "建立认定档案管理制度", "result_label": "不适用", "note": ""},
                ],
                "conclusion_label": "基本符合",
                "signed_at": dt.date(2026, 12, 3),
            },
        },
        "documents/assessment_report.html": {
            "doc_number": "京人社备评〔2026〕66号",
            "application": APPLICATION,
            "experts": [
                {"name": "陈立", "total": 86.5, "comment": "评价方案完整，题库建设较好。"},
                {"name": "刘芳", "total": 78, "comment": "督导制度需进一步细化。"},
                {"name": "孙伟", "total": 81.25, "comment": ""},
            ],
            "mean": 81.9166,
            "pass_mark": 75,
            "passed": True,
            "issued_on": dt.date(2026, 12, 15),
        },
        "documents/decision.html": {
            "doc_number": "京人社备决〔2026〕31号",
            "application": APPLICATION,
            "decision_label": "准予备案",
            "reasons": "经现场考察和专业评估，该单位符合职业技能等级认定机构备案条件。",
            "decided_at": dt.date(2026, 12, 20),
            "approver_name": "周审批",
        },
        "documents/submission_receipt.html": {
            "doc_number": "京人社技备收字〔2026〕第00009号",
            "application": APPLICATION,
            "received_at": dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC),
            "submission_round": 2,
            "scope_rows": SCOPE_ROWS,
            "examiners": 6,
            "supervisors": 2,
            "venues": [SimpleNamespace(address="北京市海淀区示例路1号", area_sqm=800, workstations=24)],
            "attachments": [
                {"kind": "营业执照", "name": "营业执照.pdf", "size": 204800, "sha256": "ab" * 32},
                {"kind": "承诺书", "name": "承诺书.pdf", "size": 10240, "sha256": "cd" * 32},
            ],
        },
        "documents/filing_certificate.html": {
            "filing": {
                "number": "京备2026第0123号",
                "organisation": ORGANISATION,
                "valid_from": dt.date(2027, 1, 5),
                "valid_until": dt.date(2030, 1, 4),
            },
            "scope_rows": SCOPE_ROWS,
            "verify_url": "https://example.gov.cn/directory/?q=91110108MA01ABCD2X",
        },
    }
