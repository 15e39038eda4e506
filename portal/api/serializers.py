"""Serializers of the open-data API. They name every field they output: no model is dumped
whole, so no personal data (names, identity numbers, phones of persons) can slip out."""

from rest_framework import serializers

from portal.indicators import visible_indicators


def _figure_field(indicator):
    help_text = str(indicator.label)
    if indicator.kind == "count":
        return serializers.IntegerField(help_text=help_text)
    if indicator.kind == "percent":
        return serializers.DecimalField(
            max_digits=5, decimal_places=1, allow_null=True, help_text=help_text
        )
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text)


FiguresSerializer = type(
    "FiguresSerializer",
    (serializers.Serializer,),
    {i.key: _figure_field(i) for i in visible_indicators()},
)


class NodeRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class NodeRowSerializer(NodeRefSerializer):
    figures = FiguresSerializer()


class NodeDashboardSerializer(NodeRowSerializer):
    children = NodeRowSerializer(many=True)


class EstateFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    node = serializers.CharField(help_text="jurisdiction code of the estate")
    company = serializers.CharField(allow_null=True, help_text="property company name")
    company_credit_code = serializers.CharField(allow_null=True)
    figures = FiguresSerializer()


class PublicEstateSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField(allow_null=True)
    street = serializers.CharField(allow_null=True)
    community = serializers.CharField(allow_null=True)
    company = serializers.CharField(allow_null=True, help_text="property company name")
    company_credit_code = serializers.CharField(allow_null=True)
    units = serializers.IntegerField()
    area = serializers.DecimalField(max_digits=16, decimal_places=2)


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    category = serializers.CharField()
    organisation = serializers.CharField(allow_null=True, help_text="issuing organisation")
    jurisdiction = serializers.CharField(
        allow_null=True, help_text="target node code; null: city-wide"
    )
    jurisdiction_name = serializers.CharField(allow_null=True)
    publication_date = serializers.DateField(allow_null=True)
    expire_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    url = serializers.CharField()


class RatingSerializer(serializers.Serializer):
    company = serializers.CharField(help_text="property company name")
    credit_code = serializers.CharField(help_text="unified social credit code")
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    as_of = serializers.DateField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2)
    grade = serializers.CharField()
    blacklisted = serializers.BooleanField()
    districts = serializers.ListField(child=serializers.CharField())


class CompanyHistorySerializer(serializers.Serializer):
    company = serializers.CharField()
    credit_code = serializers.CharField()
    ratings = RatingSerializer(many=True)


class WeightSerializer(serializers.Serializer):
    heads = serializers.IntegerField()
    area = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="m²")


class TallySerializer(serializers.Serializer):
    """The tally JSON of a final vote (voting.tally.result_to_json): figures only."""

    rule = serializers.CharField()
    total = WeightSerializer()
    participating = WeightSerializer()
    agree = WeightSerializer()
    oppose = WeightSerializer()
    abstain = WeightSerializer()
    participation_met = serializers.BooleanField()
    approved = serializers.BooleanField()
    outcome = serializers.CharField()


class VoteResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    estate = serializers.CharField(help_text="estate code")
    estate_name = serializers.CharField()
    title = serializers.CharField()
    matter = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    finalised_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    result = TallySerializer()


class FundEstateSerializer(serializers.Serializer):
    estate = serializers.CharField(help_text="estate code")
    name = serializers.CharField()
    accounts = serializers.IntegerField(help_text="unit ledgers")
    balance = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="yuan")
    refill_due = serializers.IntegerField(help_text="ledgers below the refill threshold")
    open_requests = serializers.IntegerField()


def _yuan(help_text: str = "yuan"):
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text)


class RevenueStatementSerializer(serializers.Serializer):
    """One published half-yearly statement of an estate's shared revenue (公共收益)."""

    estate = serializers.CharField(help_text="estate code")
    name = serializers.CharField()
    period = serializers.CharField(help_text="half-year, such as 2026H1")
    parking = _yuan("income from parking, yuan")
    advertising = _yuan("income from advertising, yuan")
    rent = _yuan("income from rent of common rooms, yuan")
    telecom = _yuan("income from telecom sites, yuan")
    other = _yuan("other income, yuan")
    income_total = _yuan("income, yuan")
    cost = _yuan("the company's agreed cost share, yuan")
    expense = _yuan("expenses decided by the owners, yuan")
    transfer = _yuan("transferred into the maintenance fund, yuan")
    closing = _yuan("balance at the end of the half-year, yuan")
    published_at = serializers.DateTimeField()


class ChannelShareSerializer(serializers.Serializer):
    ballots = serializers.IntegerField(help_text="ballots standing at the count")
    share = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="% of all ballots"
    )


class ChannelSharesSerializer(serializers.Serializer):
    online = ChannelShareSerializer()
    paper = ChannelShareSerializer()
    proxy = ChannelShareSerializer()


class AdoptionSerializer(serializers.Serializer):
    """Adoption indicators (voting/adoption.py; docs/dashboards.md, "Adoption"):
    votes counted in the last 12 months (since ``since``)."""

    since = serializers.DateField(help_text="first day of the last 12 months")
    estates = serializers.IntegerField()
    estates_on_platform = serializers.IntegerField(help_text="estates with an imported registry")
    estates_with_decision = serializers.IntegerField(
        help_text="estates with a valid decision (participation met, not set aside)"
    )
    votes_counted = serializers.IntegerField()
    valid_decisions = serializers.IntegerField()
    failed_participation = serializers.IntegerField(
        help_text="counted votes whose participation condition was not met"
    )
    median_turnout_heads = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="%"
    )
    median_turnout_area = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="%"
    )
    ballots = serializers.IntegerField()
    channels = ChannelSharesSerializer()


class NodeAdoptionSerializer(NodeRefSerializer):
    indicators = AdoptionSerializer()


class StaffNodeDashboardSerializer(NodeDashboardSerializer):
    adoption = AdoptionSerializer()
