"""Staff read the admin in Japanese: every label, heading, help text, filter, action and button of every
registered ModelAdmin's list, add and change pages, and every model's field names and help texts.

A label passes when it has a Japanese character; codes and proper nouns that are written the same in Japanese
are listed in ``NOT_TRANSLATED``. Third-party apps (django-axes, django-tasks-db) ship no Japanese: the
project's catalog (``locale/ja``) and ``config/admin.py`` give theirs.
"""

import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from pprint import pformat

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_subsidy

# Kana, kanji and full-width forms.
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff9f]")
# Written the same way in Japanese admin screens: identifiers and names.
NOT_TRANSLATED = {"ID", "URL", "jGrants ID"}
PROJECT_APPS = ("subsidies", "checklists", "comparisons", "alerts", "jgrants", "matching", "assistant")


def is_japanese(text: str) -> bool:
    text = text.strip().rstrip(":：").strip()
    return not text or text in NOT_TRANSLATED or bool(JAPANESE.search(text))


class LabelCollector(HTMLParser):
    """The texts of an admin page that name something, rather than show data: form labels, column headers,
    section and inline headings, help texts, filter titles, actions, buttons and the page's tool links."""

    VOID = {"input", "img", "br", "hr", "meta", "link", "col", "area", "base", "source", "wbr", "embed"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict, bool]] = []
        self.open_labels: list[list[str]] = []
        self.labels: list[str] = []

    BUTTON_CLASSES = {"button", "addlink", "historylink", "deletelink", "closelink", "viewsitelink"}

    def _inside(self, tag: str, class_name: str = "", name: str = "") -> bool:
        return any(
            (not tag or open_tag == tag)
            and (not class_name or class_name in (attrs.get("class") or "").split())
            and (not name or attrs.get("name") == name)
            for open_tag, attrs, _ in self.stack
        )

    def _collects(self, tag: str, attrs: dict) -> bool:
        classes = set((attrs.get("class") or "").split())
        return (
            tag in {"label", "h1", "h3", "summary", "legend"}
            or (tag == "th" and self._inside("thead"))
            # A fieldset's or an inline's heading (not the object's name under the page title).
            or (tag == "h2" and (self._inside("fieldset") or (attrs.get("id") or "").endswith("-heading")))
            or (tag == "div" and "help" in classes)
            or (tag == "option" and self._inside("select", name="action"))
            or (
                tag in {"button", "a"}
                and bool(
                    classes & self.BUTTON_CLASSES
                    or self._inside("", class_name="object-tools")
                    or self._inside("", class_name="submit-row")
                )
            )
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.labels.append(attrs["value"])
        if tag == "input" and attrs.get("aria-label"):
            self.labels.append(attrs["aria-label"])
        if tag == "img" and attrs.get("title") and "help" in (attrs.get("class") or ""):
            self.labels.append(attrs["title"])
        if tag in self.VOID:
            return
        collects = self._collects(tag, attrs)
        self.stack.append((tag, attrs, collects))
        if collects:
            self.open_labels.append([])

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _, collects = self.stack.pop()
            if collects:
                self.labels.append(" ".join("".join(self.open_labels.pop()).split()))
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.open_labels:
            self.open_labels[-1].append(data)


def labels_of(html: str) -> list[str]:
    collector = LabelCollector()
    collector.feed(html)
    return [label for label in collector.labels if label.strip()]


def english(texts) -> list[str]:
    return sorted({str(text) for text in texts if not is_japanese(str(text))})


@pytest.fixture
def every_kind_of_row(demo_data, django_user_model):
    """One row of each model the admin lists, so that each change form can be opened."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from subsidies.models import LinkCheck, Subsidy

    seed = Subsidy.objects.get(pk=155678)
    LinkCheck.objects.create(
        subsidy=seed,
        field="official_url",
        url="https://www.example.go.jp/",
        result="broken",
        status_code=404,
        checked_at=timezone.now(),
        first_failed_at=timezone.now(),
        consecutive_failures=2,
    )
    visit = {
        "user_agent": "Mozilla/5.0",
        "ip_address": "192.0.2.1",
        "username": "staff",
        "http_accept": "text/html",
        "path_info": "/admin/login/",
    }
    AccessAttempt.objects.create(**visit, get_data="", post_data="", failures_since_start=2)
    AccessLog.objects.create(**visit)
    AccessFailureLog.objects.create(**visit)
    if apps.is_installed("alerts"):
        from alerts import services, tasks
        from alerts.models import DailyRun, SendingSwitch

        services.subscribe(
            email="taro@example.jp",
            kind="deadline",
            description="締切のお知らせ",
            now=timezone.now(),
            subsidy=make_subsidy(deadline=timezone.now() + datetime.timedelta(days=30)),
        )
        SendingSwitch.objects.get_or_create(pk=SendingSwitch.PK)
        DailyRun.objects.create(day=timezone.localdate(), at=timezone.now(), heartbeat=timezone.now())
        tasks.send_pending.enqueue()
    if apps.is_installed("jgrants"):
        from jgrants.models import ImportedAttachment, ImportRun, PendingChange

        user = django_user_model.objects.create_user("importer")
        run = ImportRun.objects.create(started_at=timezone.now(), by=user, sources="v2_detail.json")
        PendingChange.objects.create(
            subsidy=seed,
            run=run,
            fields={"title": {"old": seed.title, "new": "新しい題名"}},
            record_hash="0" * 64,
            created_at=timezone.now(),
        )
        ImportedAttachment.objects.create(subsidy=seed, kind="guidelines", name="公募要領.pdf", size=1024)


def admin_pages(model, model_admin, request):
    opts = model._meta
    pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
    if model_admin.has_add_permission(request):
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {opts.label} row to open: add one in every_kind_of_row"
    pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]))
    return pages


@pytest.mark.django_db
def test_every_admin_page_labels_in_japanese(staff_client, every_kind_of_row, rf, django_user_model):
    request = rf.get("/admin/")
    request.user = django_user_model.objects.get(username="staff")
    found = {}
    walked = 0
    for model, model_admin in admin.site._registry.items():
        for url in admin_pages(model, model_admin, request):
            response = staff_client.get(url)
            assert response.status_code == 200, url
            labels = labels_of(response.text)
            assert labels, url
            walked += 1
            if untranslated := english(labels):
                found[url] = untranslated
    assert walked >= 2 * len(admin.site._registry)
    assert found == {}, pformat(found, width=110)


@pytest.mark.django_db
def test_the_admin_index_and_navigation_name_every_app_and_model_in_japanese(staff_client, every_kind_of_row):
    html = staff_client.get(reverse("admin:index")).text
    names = re.findall(r'<(?:caption|th scope="row")[^>]*>\s*(?:<a [^>]*>)?([^<]+)', html)
    assert len(names) >= len(admin.site._registry)
    assert english(names) == [], names


def test_every_model_names_its_fields_in_japanese():
    """Model and field names and help texts, as forms, filters and error messages show them."""
    shown = [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]
    shown += [model for model in admin.site._registry if model not in shown]
    problems = []
    with translation.override("ja"):
        for model in shown:
            opts = model._meta
            for what in ("verbose_name", "verbose_name_plural"):
                if not is_japanese(str(getattr(opts, what))):
                    problems.append(f"{opts.label}.{what}: {getattr(opts, what)}")
            if not is_japanese(str(apps.get_app_config(opts.app_label).verbose_name)):
                problems.append(f"{opts.app_label} app: {apps.get_app_config(opts.app_label).verbose_name}")
            for field in opts.get_fields():
                if field.auto_created and not field.concrete:
                    continue  # a reverse relation: named by the other model
                if field.primary_key and str(field.verbose_name).upper() == "ID":
                    continue  # django-tasks-db's "id": its admin page shows it as 「ID」 (checked above)
                if not is_japanese(str(field.verbose_name)):
                    problems.append(f"{opts.label}.{field.name}: {field.verbose_name}")
                if field.help_text and not is_japanese(str(field.help_text)):
                    problems.append(f"{opts.label}.{field.name} help: {field.help_text}")
                for _, label in field.flatchoices or ():
                    if not is_japanese(str(label)):
                        problems.append(f"{opts.label}.{field.name} choice: {label}")
    assert sorted(set(problems)) == [], pformat(sorted(set(problems)), width=110)


def test_the_check_catches_an_english_label():
    assert english(["保存", "URL", "jGrants ID", "Save", "Access attempts", "ID:", "公式ページの URL"]) == [
        "Access attempts",
        "Save",
    ]
    html = (
        '<form><fieldset class="module"><h2>Meta Data</h2><label for="x">Username:</label>'
        '<div class="help">Shown to staff.</div><input type="submit" value="Save"></fieldset>'
        '<table><thead><tr><th scope="col">Attempt Time</th></tr></thead><tbody><tr><td>data, not a label</td>'
        "</tr></tbody></table></form>"
    )
    assert english(labels_of(html)) == ["Attempt Time", "Meta Data", "Save", "Shown to staff.", "Username:"]


@pytest.mark.django_db
def test_djangos_own_admin_chrome_is_japanese_including_what_its_catalog_lacks(staff_client, demo_data):
    html = staff_client.get(reverse("admin:subsidies_subsidy_change", args=[155678])).text
    for chrome in [
        "保存",
        "保存してもう一つ追加",
        "保存して編集を続ける",
        "削除",
        "履歴",
        "サイト上で表示",
        "ログアウト",
    ]:
        assert chrome in html
    # Django 6.1's blank choice and the admin calendar's labels are new, and its Japanese catalog lacks them:
    # the project's catalog has them.
    assert '<option value="" selected>- 選択してください -</option>' in html
    assert "Select an option" not in html
    scripts = staff_client.get(reverse("admin:jsi18n")).text
    assert '"Today (%(date)s)": "\\u4eca\\u65e5\\uff08%(date)s\\uff09"' in scripts  # 今日（%(date)s）


def po_entries(path: Path) -> list[tuple[str, str, str]]:
    """(msgid, msgid_plural, msgstr) of each entry of a .po file written one string per line."""
    entries, current = [], {}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if match := re.match(r'(msgid|msgid_plural|msgstr|msgstr\[0\]) "(.*)"$', line):
            current[match[1].removesuffix("[0]")] = (
                match[2].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
            )
        elif not line.strip() and current:
            if current.get("msgid"):
                entries.append((current["msgid"], current.get("msgid_plural", ""), current["msgstr"]))
            current = {}
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalog_says_what_its_source_says(domain):
    """The .mo files Django reads are compiled from the .po files (``make messages`` after editing one)."""
    folder = Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES"
    entries = po_entries(folder / f"{domain}.po")
    assert len(entries) >= 10
    with open(folder / f"{domain}.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for msgid, msgid_plural, msgstr in entries:
        found = catalog.ngettext(msgid, msgid_plural, 1) if msgid_plural else catalog.gettext(msgid)
        assert (msgid, found) == (msgid, msgstr)
        assert JAPANESE.search(msgstr) or msgstr == "、"
