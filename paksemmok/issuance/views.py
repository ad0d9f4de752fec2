from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from paksemmok.accounts import acting
from paksemmok.applications.files import stored_file_response
from paksemmok.audit.reads import audited_read

from .access import documents_for, find_by_code, resident_may_download, staff_may_download
from .forms import VerifyCodeForm
from .models import IssuedDocument
from .services import PDF_REASONS, DocumentNotReady, download_name, ensure_pdf


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public (the QR on a printed document): valid, superseded, revoked or unknown."""
    document = find_by_code(code)
    response = render(
        request,
        "issuance/verify.html",
        {"doc": document, "code": code[:32]},
        status=200 if document else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def verify_help(request: HttpRequest) -> HttpResponse:
    """Public: how to check a printed document, with a form for the code under its QR.

    GET, so the result page has the same address the QR opens and can be shared. A code that
    is well formed goes to `verify` (which answers unknown codes itself); only malformed input
    stays here with a message.
    """
    form = VerifyCodeForm(request.GET if "kode" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("issuance:verify", code=form.cleaned_data["kode"])
    return render(
        request,
        "issuance/verify_help.html",
        {
            "form": form,
            "site_host": urlsplit(settings.SITE_URL).netloc or request.get_host(),
        },
    )


@login_required
def my_documents(request: HttpRequest) -> HttpResponse:
    return render(request, "issuance/my_documents.html", {"documents": documents_for(request.user)})


@login_required
@never_cache
def download(request: HttpRequest, code: str) -> HttpResponse:
    document = (
        IssuedDocument.objects.select_related("application", "family_version")
        .filter(code=code)
        .first()
    )
    if document is None or document.kind not in PDF_REASONS:
        raise Http404
    if staff_may_download(request.user, document):
        audited_read(
            request,
            document,
            purpose=(
                f"Permohonan {document.application.reference}"
                if document.application
                else "Pemeriksaan dokumen terbit"
            ),
            what="pdf",
        )
    elif not resident_may_download(request.user, document, getattr(request, "acting_for", None)):
        raise Http404
    elif getattr(request, "acting_for", None) is not None:
        # A helper's download for a resident is the resident's personal data read by another.
        acting.audit_act(request, "issuance.document.downloaded", obj=document)
    try:
        ensure_pdf(document)
    except DocumentNotReady as exc:
        response = render(
            request, "issuance/not_ready.html", {"message": exc.message}, status=exc.status
        )
        response["Retry-After"] = "60"
        return response
    # Like every private file: an attachment under the one sandboxing policy (files.py).
    return stored_file_response(
        document.pdf,
        content_type="application/pdf",
        filename=download_name(document),
    )
