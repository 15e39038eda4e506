"""Staff endpoint for complaint tickets (12345 hotline, grid platform): the bureau's systems
post tickets here instead of uploading a file. Same checks as the file import, all or nothing;
duplicates by ticket number are skipped and reported. Housing bureau staff only (token or
session); tickets are matched to the estates of the caller's bureau's area."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from portal.organisations.models import Jurisdiction, OrgKind
from portal.permissions import highest_level_path
from property.credit import complaint_services
from property.credit.complaint_import import rows_from_json

from .schema import PortalAutoSchema


class IsBureauStaff(BasePermission):
    message = "This endpoint is for housing bureau staff."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("credit.import_complaints"))


class TicketSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="Ticket number, unique.")
    received_at = serializers.CharField(help_text="ISO 8601 or 'YYYY-MM-DD HH:MM' (Shanghai).")
    estate = serializers.CharField(required=False, allow_blank=True, help_text="Name or code.")
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    company = serializers.CharField(required=False, allow_blank=True, help_text="Name or code.")
    category = serializers.CharField(max_length=50)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    closed_at = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    result = serializers.CharField(
        required=False, allow_blank=True, help_text="resolved, unresolved, unsubstantiated or ''."
    )
    satisfaction = serializers.CharField(
        required=False, allow_blank=True, help_text="satisfied, dissatisfied or ''."
    )
    street = serializers.CharField(required=False, allow_blank=True)


class TicketsInSerializer(serializers.Serializer):
    tickets = TicketSerializer(many=True, allow_empty=False, max_length=5000)


class TicketsOutSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.ListField(child=serializers.CharField())
    unmatched = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Position in the list, the first ticket being 2.")
    message = serializers.CharField()


class TicketsErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = RowErrorSerializer(many=True)


class StaffComplaints(APIView):
    """Post complaint tickets; nothing is stored unless every ticket is valid."""

    permission_classes = [IsBureauStaff]
    throttle_classes = [UserRateThrottle]
    schema = PortalAutoSchema()

    @extend_schema(
        operation_id="staff_complaints_post",
        request=TicketsInSerializer,
        responses={201: TicketsOutSerializer, 400: TicketsErrorSerializer},
    )
    def post(self, request, *args, **kwargs):
        incoming = TicketsInSerializer(data=request.data)
        if not incoming.is_valid():
            return Response(
                {"detail": "Bad request.", "errors": [], "fields": incoming.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        node = Jurisdiction.objects.get(
            path=highest_level_path(request.user, kinds=[OrgKind.BUREAU])
        )
        headers, rows = rows_from_json(incoming.validated_data["tickets"])
        try:
            batch, plan = complaint_services.complaint_tickets_import(
                actor=request.user, node=node, headers=headers, rows=rows, source="api"
            )
        except complaint_services.ComplaintImportError as exc:
            return Response(
                {
                    "detail": str(exc),
                    "errors": [{"line": e.line, "message": e.message} for e in exc.plan.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except complaint_services.ComplaintError as exc:
            return Response({"detail": str(exc), "errors": []}, status=status.HTTP_409_CONFLICT)
        return Response(
            {"created": batch.created, "duplicates": plan.duplicates, "unmatched": batch.unmatched},
            status=status.HTTP_201_CREATED,
        )
