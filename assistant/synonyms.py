"""Words applicants use for the same thing, as the analyser writes them (dictionary forms).

A question and a passage that use two words of one group share the group's name as a term, so
「実施機関はどこ」 finds 「主催機関」 and 「お金かかる？」 finds 「費用はかかりますか」. Groups are general
Japanese, not the wording of one listing; each is tested in ``tests/assistant/test_synonyms.py``.
"""

from functools import lru_cache

GROUPS: dict[str, tuple[str, ...]] = {
    # Who runs the programme (the 主催/実施機関/運営/窓口; 窓口 is also the contact's word).
    "organiser": (
        "主催",
        "主催者",
        "実施機関",
        "運営",
        "運営者",
        "執行",
        "執行団体",
        "主体",
        "実施主体",
        "所管",
        "管轄",
    ),
    # Where it applies.
    "country": ("国", "対象国", "国々", "諸国", "海外", "地域", "エリア", "対象地域"),
    # Until when.
    "deadline": ("締め切り", "締め切る", "締切", "期限", "期日", "〆切"),
    "money": ("費用", "御金", "金額", "料金", "経費", "コスト", "代金", "出費"),
    "apply": ("申請", "申し込み", "申し込む", "申込", "応募", "エントリー"),
    "buy": ("購入", "買う", "買い替える", "買い換える", "買い替え", "取得"),
    "employee": ("従業員", "社員", "職員", "労働者", "スタッフ"),
    "relative": ("親族", "親戚", "家族", "身内"),
    "car": ("車", "車両", "自動車", "乗用車", "クルマ"),
    "used": ("中古", "中古品", "中古車"),
    "start_business": ("創業", "起業", "開業"),
    "website": ("ホームページ", "ウェブサイト", "サイト", "ウェブ"),
    "combine": ("併用", "一緒", "併せる", "重複"),
    "acquaintance": ("縁故", "知り合い", "知人", "コネ"),
    "quit": ("辞める", "やめる", "離職", "退職"),
    "home": ("家", "自宅", "住宅", "住まい", "持ち家", "自分の家"),
    "rebuild": ("建て替え", "建て替える", "新築", "改築", "増改築", "建設"),
    "tips": ("コツ", "ポイント", "秘訣", "注意点", "留意点"),
    "receive": ("貰う", "受け取る", "受領", "入金", "振り込む", "振り込み"),
    "contact": ("問い合わせ", "問い合わせる", "連絡", "相談", "窓口"),
}


@lru_cache(maxsize=1)
def _groups_by_word() -> dict[str, str]:
    """Each word of each group, as written above and as the analyser writes it (コツ → こつ)."""
    from .analysis import words

    result: dict[str, str] = {}
    for name, group in GROUPS.items():
        for word in group:
            result[word] = name
            result["".join(w.lemma for w in words(word, longest=True))] = name
    return result


def group_of(lemma: str) -> str:
    """The group a word belongs to, or ""."""
    return _groups_by_word().get(lemma, "")
