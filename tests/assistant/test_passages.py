from assistant.passages import article_passages, faq_passages, heading_anchor
from subsidies.models import FAQ

BODY = """\
はじめの段落です。

## 対象

- 中小企業
- 個人事業主

### 詳しい条件

| 区分 | 上限 |
| --- | --- |
| 通常枠 | 50万円 |

> **注意点**
>
> 着工前に申請してください。

1. **相談**

   窓口に相談します。

```
## コードの中の見出し
```
"""


def test_headings_are_numbered_in_document_order_for_their_anchors():
    assert heading_anchor(3) == "article-3"
    anchors = {p.text: p.anchor for p in article_passages(BODY)}
    assert anchors["はじめの段落です。"] == "article"
    assert anchors["中小企業"] == "article-1"
    assert anchors["通常枠／50万円"] == "article-2"


def test_each_list_item_and_table_row_is_its_own_passage_under_its_heading():
    passages = article_passages(BODY)
    texts = [p.text for p in passages]
    assert "中小企業" in texts and "個人事業主" in texts
    assert "区分／上限" in texts
    assert next(p for p in passages if p.text == "個人事業主").heading == "対象"


def test_a_bold_line_labels_the_passages_after_it_and_markup_is_removed():
    passage = next(p for p in article_passages(BODY) if p.text == "着工前に申請してください。")
    assert passage.label == "注意点"
    assert passage.heading == "詳しい条件"


def test_an_indented_paragraph_belongs_to_its_list_item():
    assert "相談 窓口に相談します。" in [p.text for p in article_passages(BODY)]


def test_a_heading_inside_a_code_block_is_not_counted():
    assert all(p.anchor in {"article", "article-1", "article-2"} for p in article_passages(BODY))


def test_faqs_are_passages_that_link_to_the_faq_section():
    [passage] = faq_passages([FAQ(question="併用できますか？", answer="できません。")])
    assert (passage.anchor, passage.question, passage.text) == ("faq", "併用できますか？", "できません。")
    assert "併用" in passage.indexed_text
