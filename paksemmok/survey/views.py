"""The resident's survey page. Who may open it follows the application's own rules
(applications.access via the resident-side decorator): the applicant, or the helper who
filed it; anyone else gets 404. Staff do not answer the public's survey."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from paksemmok.applications.access import resident_may_view, resident_side
from paksemmok.applications.models import Application

from . import services
from .forms import SurveyForm
from .models import SurveyInvitation


def _invitation(request: HttpRequest, reference: str) -> SurveyInvitation:
    app = get_object_or_404(
        Application.objects.select_related("variant", "service"), reference=reference
    )
    if not resident_may_view(request.user, request.subject_user, app):
        raise Http404
    invitation = SurveyInvitation.objects.filter(application=app).first()
    if invitation is None:
        raise Http404
    invitation.application = app
    return invitation


@never_cache
@resident_side
def answer(request: HttpRequest, reference: str) -> HttpResponse:
    invitation = _invitation(request, reference)
    app = invitation.application
    if invitation.is_answered:
        messages.info(request, services.already_answered())
        return redirect("survey:thanks", reference)
    if invitation.is_expired():
        return render(
            request, "survey/expired.html", {"app": app, "invitation": invitation}, status=410
        )
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_response(invitation, answers=data, comment=data["comment"])
        except services.SurveyError as exc:
            if exc.code != "answered":
                messages.error(request, str(exc))
                return redirect("survey:answer", reference)
            # A double click or a second tab: the first answer stands; say so plainly.
            messages.info(request, str(exc))
        return redirect("survey:thanks", reference)
    return render(
        request, "survey/answer.html", {"app": app, "invitation": invitation, "form": form}
    )


@never_cache
@resident_side
def thanks(request: HttpRequest, reference: str) -> HttpResponse:
    invitation = _invitation(request, reference)
    if not invitation.is_answered:
        return redirect("survey:answer", reference)
    return render(request, "survey/thanks.html", {"app": invitation.application})
