"""Words and sentences for synthetic listings, taken from the real fixtures plus common subsidy vocabulary."""

import json
import re
from pathlib import Path

from django.conf import settings

FIXTURES = ("seed.json", "programs.json")

TOPICS = [
    "DX推進",
    "IT導入",
    "設備投資",
    "省エネルギー設備導入",
    "ゼロエミッション化",
    "GX推進",
    "海外展開",
    "販路開拓",
    "人材育成",
    "創業支援",
    "事業承継",
    "スマート農業",
    "観光誘客",
    "新商品開発",
    "研究開発",
    "テレワーク導入",
    "BCP策定",
    "キャッシュレス導入",
    "EC サイト構築",
    "脱炭素化",
    "地域活性化",
    "雇用促進",
    "働き方改革",
    "ものづくり",
    "小規模事業者持続化",
    "農林水産物輸出",
    "空き店舗活用",
    "商店街活性化",
    "防災・減災",
    "子育て支援",
    "介護ロボット導入",
    "再生可能エネルギー",
    "水素利活用",
    "AI活用",
    "サイバーセキュリティ対策",
]
RARE_TOPICS = ["量子技術実証", "宇宙ビジネス参入", "ドローン物流実証", "ゲノム編集食品開発"]
SUFFIXES = ["補助金", "助成金", "支援事業費補助金", "促進補助金", "緊急支援補助金", "奨励金"]
ORGANIZATION_KINDS = [
    ("{pref}", "prefecture", ["産業振興課", "商工労働部", "経済産業局", "農林水産部", "環境政策課"]),
    ("{city}", "municipality", ["商工観光課", "産業政策課", "地域振興課", "環境課"]),
    ("公益財団法人{pref}産業振興機構", "agency", [""]),
]
MINISTRIES = [
    "経済産業省",
    "中小企業庁",
    "農林水産省",
    "環境省",
    "厚生労働省",
    "国土交通省",
    "観光庁",
    "総務省",
]
CITY_SUFFIXES = ["市", "町", "区"]
EXPENSES = [
    "機械装置費",
    "システム構築費",
    "広告宣伝費",
    "外注費",
    "専門家謝金",
    "旅費",
    "研修費",
    "会場費",
    "設備費",
    "委託費",
    "クラウドサービス利用費",
    "原材料費",
    "開発費",
    "借料",
    "人件費",
]
DOCUMENTS = [
    "事業計画書",
    "交付申請書",
    "履歴事項全部証明書",
    "直近2期分の決算書",
    "見積書",
    "納税証明書",
    "会社概要",
    "誓約書",
    "賃金台帳の写し",
    "認定支援機関確認書",
]
HEADINGS = [
    "概要",
    "対象となる事業者",
    "補助対象経費",
    "補助率と上限額",
    "申請の流れ",
    "注意点",
    "よくある失敗",
    "採択のポイント",
    "スケジュール",
]
GENERIC_SENTENCES = [
    "本事業は、中小企業等の生産性向上と持続的な成長を後押しするために実施されます。",
    "申請にあたっては、事業計画書の内容と経費の妥当性が審査されます。",
    "交付決定前に発注・契約した経費は補助の対象外となるため注意が必要です。",
    "補助金は原則として事業完了後の精算払いとなり、つなぎ資金の確保が求められます。",
    "電子申請にはGビズIDプライムアカウントの取得が必要で、発行までに2〜3週間かかる場合があります。",
    "採択後は実績報告書と証拠書類の提出が求められ、確定検査を経て補助金が支払われます。",
    "地域の商工会議所や認定支援機関に相談すると、計画書の完成度を高めることができます。",
    "予算の上限に達した場合は、締切前であっても受付を終了することがあります。",
]


def _sentences(text: str) -> list[str]:
    text = re.sub(r"[#*\-|>]+", " ", text)
    return [s.strip() + "。" for s in re.split(r"[。\n]", text) if 12 <= len(s.strip()) <= 160]


def load() -> dict:
    """Sentences, titles, target descriptions and FAQs found in the demo fixtures."""
    sentences, titles, targets, faqs = list(GENERIC_SENTENCES), [], [], []
    for name in FIXTURES:
        path = Path(settings.BASE_DIR) / "fixtures" / name
        if not path.exists():
            continue
        for row in json.loads(path.read_text(encoding="utf-8")):
            fields = row["fields"]
            if row["model"] == "subsidies.subsidy":
                sentences += _sentences(fields["body"]) + _sentences(fields["summary"])
                titles.append(fields["title"])
                if fields["target_description"]:
                    targets.append(fields["target_description"])
            elif row["model"] == "subsidies.faq":
                faqs.append((fields["question"], fields["answer"]))
    if not faqs:
        faqs = [("申請は電子申請のみですか？", "原則として電子申請ですが、郵送を受け付ける回もあります。")]
    if not targets:
        targets = ["県内に事業所を有する中小企業・小規模事業者"]
    return {"sentences": sentences, "titles": titles, "targets": targets, "faqs": faqs}
