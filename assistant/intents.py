"""Which structured field a question asks about, recognised from how applicants phrase it.

Rules, not a model: each intent is a list of patterns over the normalised question (NFKC + case-fold, so
「ＤＸ」 and full-width digits match). The first intent whose pattern matches wins, so the specific ones
(採択率, 補助率) come before the general ones (金額, 対象). A question about *how to improve* something
(「採択率を上げるコツは？」) is advice, which only the article can give, so it recognises no intent.
"""

import re
from dataclasses import dataclass

from .analysis import words
from .text import normalize


@dataclass(frozen=True)
class Intent:
    key: str
    patterns: tuple[str, ...]
    # A weak intent is a general word (「対象」「使える」) that a FAQ may answer more precisely.
    weak: bool = False
    # Whether a place name the analyser recognises (名古屋, 札幌) signals this intent.
    places: bool = False

    def matches(self, question: str) -> bool:
        return any(re.search(pattern, question) for pattern in self.patterns) or (
            self.places and any(word.is_place for word in words(question))
        )

    def strip(self, question: str) -> str:
        """The question without the words that signalled this intent (what is left says what it is about)."""
        for pattern in self.patterns:
            question = re.sub(pattern, " ", question)
        return question


# Conversion slips a question often has: 「補助律」 for 補助率.
TYPOS = ((re.compile(r"(補助|採択|助成|交付|負担|合格|競争)律"), r"\1率"),)


def fix_typos(text: str) -> str:
    for pattern, replacement in TYPOS:
        text = pattern.sub(replacement, text)
    return text


# Advice and explanations (how to raise the rate, how the amount is worked out) only the article can give.
ADVICE = re.compile(
    r"コツ|秘訣|ポイント|アドバイス|注意点|気をつけ|気を付け|上げる|あげる|高める|たかめる|対策|"
    r"決まり方|どう(やって)?決ま|計算|算出|内訳"
)
# Prefecture names (and 全国) signal a question about where the program applies.
PREFECTURES = [
    "北海道",
    "青森",
    "岩手",
    "宮城",
    "秋田",
    "山形",
    "福島",
    "茨城",
    "栃木",
    "群馬",
    "埼玉",
    "千葉",
    "東京",
    "神奈川",
    "新潟",
    "富山",
    "石川",
    "福井",
    "山梨",
    "長野",
    "岐阜",
    "静岡",
    "愛知",
    "三重",
    "滋賀",
    "京都",
    "大阪",
    "兵庫",
    "奈良",
    "和歌山",
    "鳥取",
    "島根",
    "岡山",
    "広島",
    "山口",
    "徳島",
    "香川",
    "愛媛",
    "高知",
    "福岡",
    "佐賀",
    "長崎",
    "熊本",
    "大分",
    "宮崎",
    "鹿児島",
    "沖縄",
]

INTENTS = (
    Intent(
        "adoption_rate",
        (
            r"採択率",
            r"さいたくりつ",
            r"(通る|とおる|受かる|うかる|採択される|通過する)(確率|可能性|割合)",
            r"通りやすい|とおりやすい|受かりやすい|うかりやすい",
            r"倍率",
            r"合格率",
            r"競争率",
        ),
    ),
    Intent(
        "subsidy_rate",
        (
            r"補助率",
            r"ほじょりつ",
            r"助成率",
            r"交付率",
            r"何割",
            r"なんわり",
            r"何パーセント",
            r"何%",
            r"自己負担",
            r"負担割合",
        ),
    ),
    Intent(
        "difficulty",
        (
            r"難易度",
            r"なんいど",
            r"難しい|むずかしい|難しさ|むずい",
            r"簡単|かんたん|易しい|やさしい",
            r"ハードル",
        ),
    ),
    Intent(
        "review_period",
        (
            r"審査期間",
            r"(採択|結果|交付決定|決定)(まで|は)?(どのくらい|どれくらい|何日|何か月|何ヶ月|いつ)",
            r"結果(が|は)?(いつ|出る|わかる)",
            r"いつ(決まる|結果|わかる)",
            r"いつ(交付)?決定",
            r"審査(に|は|には)?(どのくらい|どれくらい|何日|時間|期間)",
        ),
    ),
    Intent(
        "deadline",
        (
            r"締切|締め切|しめきり|〆切|〆",
            r"期限",
            r"期日",
            r"いつまで",
            r"いつから",
            r"受付(期間|開始|終了)",
            r"募集期間",
            r"公募期間",
            r"申請期間",
            r"まだ(申請|応募)",
            r"何時まで",
            r"何日前",
            r"なんにちまえ",
        ),
    ),
    Intent(
        "amount",
        (
            r"いくら",
            r"幾ら",
            r"上限",
            r"金額",
            r"補助額",
            r"助成額",
            r"支給額",
            r"交付額",
            r"最大",
            r"最高",
            r"何円",
            r"なんえん",
            r"何万",
            r"なんまん",
            r"どのくらい(もらえ|出る|貰え)",
            r"どれくらい(もらえ|出る|貰え)",
        ),
    ),
    Intent(
        "documents",
        (
            r"書類",
            r"しょるい",
            r"必要な(もの|物)",
            r"必要なもん",
            r"用意する(もの|物)",
            r"準備する(もの|物)",
            r"提出(物|するもの)",
            r"添付",
            r"申請書",
        ),
    ),
    Intent(
        "expenses",
        (
            r"経費",
            r"けいひ",
            r"何に使え",
            r"なにに使え",
            r"何につかえ",
            r"なににつかえ",
            r"使い道",
            r"使いみち",
            r"何が対象",
            r"なにが対象",
            r"補助対象",
            r"対象(になる|となる)?(費用|もの)",
            r"何の費用",
        ),
        weak=True,
    ),
    Intent(
        "flow",
        (
            r"申請方法",
            r"申請の?(仕方|しかた|やり方|やりかた|流れ|手順)",
            r"申し込み|申込|もうしこみ",
            r"流れ",
            r"手順",
            r"ステップ",
            r"どうやって申請",
            r"どうすれば申請",
            r"どう申請",
            r"手続き",
        ),
    ),
    Intent(
        "organization",
        (
            r"主催",
            r"実施機関",
            r"実施主体",
            r"執行団体",
            r"運営(して|する|し|団体|主体|元|者|は|を|って|機関)",
            r"(どこ|誰|だれ)が(実施|運営|主催|やって|執行)",
            r"実施(して|する)(いる)?(の|団体|機関|省庁|ところ)",
            r"所管",
            r"管轄",
        ),
    ),
    Intent(
        "contact",
        (
            r"問い?合わ?せ|問合せ|といあわせ",
            r"連絡先",
            r"れんらく",
            r"電話",
            r"でんわ",
            r"メール",
            r"窓口",
            r"まどぐち",
            r"公式(サイト|ページ|hp)",
            r"ホームページ(は|を教|のアドレス|のurl|どこ)",
            r"相談(先|でき|したい|する)",
            r"どこに(聞|きけ|相談)",
        ),
    ),
    Intent(
        "region",
        (
            r"地域",
            r"ちいき",
            r"エリア",
            r"どこで(も)?(使え|申請|利用|受け)",
            r"どこの(地域|県|市|人|会社|企業)",
            r"全国",
            r"都道府県",
            r"県外",
            r"市外",
            r"(どこ|どの|何)の?国",
            r"対象国",
            r"国(は|が|に)(対象|どこ|制限)",
            *PREFECTURES,
        ),
        weak=True,
        places=True,
    ),
    Intent(
        "target",
        (
            r"誰が",
            r"誰でも",
            r"だれが",
            r"だれでも",
            r"対象者",
            r"対象事業者",
            r"申請資格",
            r"応募資格",
            r"資格(要件|は|が|を)",
            r"申請できる(人|の|者)",
            r"使える人",
            r"対象(に|と)?なる(人|会社|企業|団体)",
            r"個人事業主",
            r"法人",
            r"npo",
            r"中小企業",
            r"うちの会社",
            r"個人でも",
            r"条件",
            r"(どういう|どんな|どの|どのような)(会社|人|企業|事業者|団体|法人)",
        ),
        weak=True,
    ),
)

# Words that carry no content of their own in a question; left out before the text search.
_FILLER = re.compile(
    r"この補助金|この助成金|この制度|本制度|補助金|助成金|教えて|おしえて|ください|下さい|知りたい|しりたい|"
    r"について|具体的|詳しく|くわしく|質問|本当|ほんとう|大丈夫|だいじょうぶ|可能|会社"
)


def recognise(question: str) -> Intent | None:
    """The intent of ``question``, or None when it is not about a structured field."""
    text = fix_typos(normalize(question))
    if ADVICE.search(text):
        return None
    return next((intent for intent in INTENTS if intent.matches(text)), None)


def content_words(question: str) -> str:
    """The question without filler, for the text search."""
    return _FILLER.sub(" ", fix_typos(normalize(question)))
