"""Checklist items that many listings share, defined once and attached by an explicit rule.

A shared requirement applies to a listing when staff attached it to that listing, or when the listing
matches its rule. A rule is the AND of the conditions that are filled in (official URL contains a text,
organisation kind); a rule with no condition matches nothing, so an item never becomes global by accident.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from subsidies.models import EligibilityRequirement, Organization, Subsidy


class SharedRequirementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def candidates_for(self, subsidy: Subsidy):
        """Active rows that may apply to ``subsidy``, with ``attached`` annotated; one query.

        The rule itself is checked in Python by ``applies_to`` (it compares the listing's own fields).
        """
        links = SharedRequirement.subsidies.through.objects.filter(
            sharedrequirement_id=OuterRef("pk"), subsidy_id=subsidy.pk
        )
        return (
            self.active()
            .annotate(attached=Exists(links))
            .filter(Q(attached=True) | ~Q(official_url_contains="") | ~Q(organization_kind=""))
        )


class SharedRequirement(models.Model):
    Group = EligibilityRequirement.Group

    text = models.CharField("要件", max_length=200, help_text="例: 「GビズIDプライムを取得している」")
    detail = models.TextField("詳細", blank=True, help_text="例: 「取得に2〜3週間かかります」")
    group = models.CharField("区分", max_length=20, choices=Group.choices, default=Group.DOCUMENTS)
    required = models.BooleanField("必須", default=True)
    order = models.PositiveSmallIntegerField(
        "表示順", default=0, help_text="同じ区分の中で、補助金ごとの要件の後に並ぶ順。"
    )
    active = models.BooleanField("有効", default=True, help_text="外すとどの補助金にも表示されません。")

    subsidies = models.ManyToManyField(
        Subsidy,
        verbose_name="個別に追加する補助金",
        related_name="+",
        blank=True,
        help_text="ルールに関係なく、この項目を表示する補助金。",
    )
    official_url_contains = models.CharField(
        "ルール: 公式ページの URL に含む文字列",
        max_length=200,
        blank=True,
        help_text="例: 「jgrants-portal.go.jp」。空欄ならこの条件は使いません。",
    )
    organization_kind = models.CharField(
        "ルール: 主催機関の種別",
        max_length=20,
        choices=Organization.Kind.choices,
        blank=True,
        help_text="空欄ならこの条件は使いません。両方の条件を入れたときは、両方に当てはまる補助金だけに表示します。",
    )

    objects = SharedRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = "共通の申請要件"
        verbose_name_plural = "共通の申請要件"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_rule(self) -> bool:
        return bool(self.official_url_contains or self.organization_kind)

    def matches_rule(self, subsidy: Subsidy) -> bool:
        if not self.has_rule:
            return False
        if self.official_url_contains and self.official_url_contains not in subsidy.official_url:
            return False
        return not (self.organization_kind and subsidy.organization.kind != self.organization_kind)

    def applies_to(self, subsidy: Subsidy) -> bool:
        """Attached by staff (``attached`` annotated by ``candidates_for``) or matched by the rule."""
        return bool(getattr(self, "attached", False)) or self.matches_rule(subsidy)
