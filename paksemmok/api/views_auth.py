"""Token sign-in for residents: NIK + password through django.contrib.auth.authenticate(), so
django-axes counts failures and locks out exactly as on the sign-in page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from paksemmok.accounts.lockout import lockout_for, normalise_username
from paksemmok.accounts.models import User
from paksemmok.audit.ip import client_ip
from paksemmok.audit.log import record

from .errors import ApiError
from .models import ApiToken
from .permissions import IsResident
from .serializers import TokenInfoSerializer, TokenRequestSerializer, TokenResponseSerializer
from .throttling import PerIpThrottle, TokenThrottle


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PerIpThrottle, TokenThrottle]

    @extend_schema(
        tags=["auth"],
        request=TokenRequestSerializer,
        auth=[],
        responses={201: TokenResponseSerializer},
        summary="Minta token API (penduduk: NIK + kata sandi)",
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        django_request = request._request
        username = normalise_username(form.validated_data["nik"])
        user = authenticate(
            django_request, username=username, password=form.validated_data["password"]
        )
        if getattr(django_request, "axes_locked_out", False):
            # Axes refused (the attempt is counted); answer in JSON instead of the HTML
            # lockout page the middleware would otherwise put in place of this response.
            django_request.axes_locked_out = False
            lockout = lockout_for(django_request, {"username": username})
            raise ApiError(
                "locked_out",
                lockout.message(),
                status.HTTP_429_TOO_MANY_REQUESTS,
                {
                    "scope": "network" if lockout.per_network else "account",
                    "retry_after": lockout.seconds,
                },
            )
        if user is None or user.role != User.Role.RESIDENT:
            # Staff sign in on the pages (TOTP); to them, as to a wrong password, the same words.
            raise ApiError(
                "invalid_credentials",
                _(
                    "NIK atau kata sandi salah. Setelah beberapa kali salah, akun dikunci "
                    "sementara."
                ),
                status.HTTP_401_UNAUTHORIZED,
            )
        if user.needs_contact_verification:
            raise ApiError(
                "contact_unverified",
                _("Akun Anda belum diverifikasi. Selesaikan verifikasi di situs Pak Semmok."),
                status.HTTP_403_FORBIDDEN,
            )
        token, raw = ApiToken.issue(user)
        record(
            "account.api_token.issued", actor=user, obj=user, ip_address=client_ip(django_request)
        )
        return Response(
            {"token": raw, "token_type": "Token", "expires_at": token.expires_at},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="Token dicabut.")},
        summary="Cabut token yang dipakai permintaan ini",
    )
    def delete(self, request: Request) -> Response:
        from .authentication import ApiTokenAuthentication

        result = ApiTokenAuthentication().authenticate(request)
        if result is None:
            raise ApiError(
                "not_authenticated",
                _("Kirim token yang akan dicabut."),
                status.HTTP_401_UNAUTHORIZED,
            )
        user, token = result
        token.delete()
        record(
            "account.api_token.revoked",
            actor=user,
            obj=user,
            ip_address=client_ip(request._request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_authenticate_header(self, request: Any) -> str:
        return "Token"


def _info(token: ApiToken, request: Request) -> dict:
    current = isinstance(request.auth, ApiToken) and request.auth.pk == token.pk
    return {
        "id": token.pk,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "current": current,
    }


class TokenListView(APIView):
    """The caller's own tokens (still valid ones), to review and revoke."""

    permission_classes = [IsResident]

    @extend_schema(
        tags=["auth"],
        responses={200: TokenInfoSerializer(many=True)},
        summary="Daftar token API milik sendiri",
    )
    def get(self, request: Request) -> Response:
        tokens = [
            t
            for t in ApiToken.objects.filter(user=request.user).select_related("user")
            if t.still_valid()
        ]
        return Response([_info(t, request) for t in tokens])


class TokenDetailView(APIView):
    permission_classes = [IsResident]

    @extend_schema(
        tags=["auth"],
        request=None,
        responses={204: OpenApiResponse(description="Token dicabut.")},
        summary="Cabut salah satu token milik sendiri",
    )
    def delete(self, request: Request, token_id: int) -> Response:
        deleted, _rows = ApiToken.objects.filter(user=request.user, pk=token_id).delete()
        if not deleted:
            # Another person's token id is as unknown as a made-up one.
            raise ApiError("not_found", _("Data tidak ditemukan."), status.HTTP_404_NOT_FOUND)
        record(
            "account.api_token.revoked",
            actor=request.user,
            obj=request.user,
            details={"token_id": token_id},
            ip_address=client_ip(request._request),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
