"""Serializers of the open-data API. They name every field they output: no model is dumped
whole, so no personal data (names, identity numbers, phones of persons) can slip out."""

from rest_framework import serializers

from portal.dashboards.selectors import INDICATORS


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
    {i.key: _figure_field(i) for i in INDICATORS},
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
