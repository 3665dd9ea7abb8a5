import re

from subsidies.rendering import render_article, sanitize, web_url


def test_headings_get_ids_and_make_the_table_of_contents():
    article = render_article("## 概要\n\n本文\n\n### 対象\n\n本文\n\n#### 細目\n")
    assert '<h2 id="article-1">概要</h2>' in article.html
    assert '<h3 id="article-2">対象</h3>' in article.html
    assert [(h.id, h.text, h.level) for h in article.toc] == [
        ("article-1", "概要", 2),
        ("article-2", "対象", 3),
    ]


def test_a_level_one_heading_becomes_h2_because_the_page_owns_h1():
    article = render_article("# 見出し\n")
    assert "<h1" not in article.html
    assert '<h2 id="article-1">見出し</h2>' in article.html


def test_blockquote_with_a_bold_title_is_a_callout_and_注意_makes_it_a_warning():
    html = render_article("> **ここがポイント！**\n>\n> 本文\n\n> **申請時の注意点**\n>\n> - 期限\n").html
    assert (
        '<blockquote class="callout">\n<p class="callout__title"><strong>ここがポイント！</strong></p>'
        in html
    )
    assert '<blockquote class="callout callout--warning">' in html


def test_plain_blockquote_stays_plain():
    assert "<blockquote>\n<p>引用です</p>" in render_article("> 引用です\n").html


def test_a_指標_table_becomes_statistics():
    html = render_article(
        "| 指標 | 値 |\n| --- | --- |\n| GXセミナー目標人数 | 500人以上 |\n| 招へい | 122人 |\n"
    ).html
    assert '<dl class="stats"><div><dt>GXセミナー目標人数</dt><dd>500人以上</dd></div>' in html
    assert "<table" not in html


def test_tables_scroll_on_phones_and_alignment_is_a_class_not_an_inline_style():
    html = render_article("| 区分 | 人数 |\n| --- | ---: |\n| 受入 | 509人 |\n").html
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="表">' in html
    assert '<td class="align-right">509人</td>' in html
    assert "style=" not in html


def test_ordered_list_of_bold_titles_is_numbered_steps():
    html = render_article("1. **準備**\n\n   説明\n\n2. **申請**\n\n   説明\n").html
    assert '<ol class="steps">' in html
    assert html.count('<li class="steps__item">') == 2


def test_ordered_list_without_bold_titles_is_a_plain_list():
    assert "<ol>\n<li>一つ目</li>" in render_article("1. 一つ目\n2. 二つ目\n").html


def test_q_headings_are_article_faq_items_and_stay_out_of_the_toc():
    article = render_article("## よくある質問\n\n### Q 併用できますか？\n\nできます。\n\n## まとめ\n\n本文\n")
    assert '<h3 id="article-2" class="faq-question">Q 併用できますか？</h3>' in article.html
    assert '<p class="faq-answer">できます。</p>' in article.html
    assert "<p>本文</p>" in article.html
    assert [h.text for h in article.toc] == ["よくある質問", "まとめ"]


def test_免責事項_paragraph_is_the_disclaimer():
    html = render_article("**免責事項:** 本記事は参考情報です。\n").html
    assert html.startswith('<p class="disclaimer"><strong>免責事項:</strong>')


def test_links_get_noopener_and_keep_safe_schemes_only():
    html = render_article("[公式](https://example.jp/) [電話](tel:0312345678) [悪](javascript:alert(1))").html
    assert '<a href="https://example.jp/" rel="noopener noreferrer">公式</a>' in html
    assert 'href="tel:0312345678"' in html
    assert "javascript:" not in html.replace("[悪](javascript:alert(1))", "")
    assert 'href="javascript' not in html


def test_raw_html_in_markdown_is_shown_as_text():
    html = render_article('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">').html
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_sanitizer_strips_what_the_allow_list_does_not_name():
    dirty = '<p onclick="x()" style="color:red" class="evil">a</p><script>b</script><a href="javascript:c">d</a><iframe src="//e"></iframe>'
    # nh3 keeps an emptied class attribute; what matters is that nothing else survives.
    assert sanitize(dirty) == '<p class="">a</p><a rel="noopener noreferrer">d</a>'


def test_reading_time_counts_the_rendered_text_not_the_markup():
    article = render_article(
        "## " + "あ" * 10 + "\n\n[" + "い" * 495 + "](https://example.jp/" + "x" * 400 + ")"
    )
    assert len(article.text.replace("\n", "")) == 505
    assert article.reading_minutes == 2


def test_empty_body_renders_nothing():
    article = render_article("")
    assert article.html == ""
    assert article.toc == ()
    assert article.reading_minutes == 0


def test_web_url_accepts_only_http_and_https():
    assert web_url("https://example.jp/") == "https://example.jp/"
    assert web_url(" JavaScript:alert(1)") == ""
    assert web_url("data:text/html,x") == ""
    assert web_url(None) == ""


# Each block once: what the listing's own steps and FAQs show is left out of the article.

STEPS_ARTICLE = """## 申請の流れ

以下の2ステップです。

1. **事前相談**
   窓口に相談します。
2. **申請書の提出**
   書類を出します。

## よくある質問

### Q 対象は誰ですか？

中小企業です。

### Q 併用できますか？

できません。

### Q 記事だけの質問は？

記事にだけあります。
"""


def test_a_list_of_exactly_the_listings_steps_becomes_a_link_to_the_flow():
    article = render_article(STEPS_ARTICLE, steps=["事前相談", "申請書の提出"])
    assert "窓口に相談します" not in article.html
    assert "以下の2ステップです。" in article.html  # the article's own words stay
    assert re.search(r'この手順は<a href="#flow"[^>]*>「申請の流れ」</a>にまとめています。', article.html)


def test_steps_that_differ_from_the_listings_stay_in_the_article():
    for steps in (["事前相談"], ["事前相談", "申請書の提出", "交付決定"], ["事前相談", "審査"]):
        article = render_article(STEPS_ARTICLE, steps=steps)
        assert "窓口に相談します" in article.html, steps
        assert "#flow" not in article.html


def test_questions_the_listing_has_as_faqs_move_to_the_faq_section_with_their_ids():
    article = render_article(STEPS_ARTICLE, questions=["対象は誰ですか?", "併用できますか？"])
    assert "中小企業です。" not in article.html and "できません。" not in article.html
    assert article.html.count('<a href="#faq"') == 1  # one link for the run of moved questions
    assert "記事にだけあります。" in article.html and 'id="article-5"' in article.html
    assert article.moved == {"対象は誰ですか": "article-3", "併用できますか": "article-4"}
    assert 'id="article-3"' not in article.html and 'id="article-4"' not in article.html


def test_without_steps_or_questions_the_article_is_whole():
    article = render_article(STEPS_ARTICLE)
    assert article.moved == {}
    assert "窓口に相談します" in article.html and "中小企業です。" in article.html
