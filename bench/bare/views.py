"""The four reference requests: a hello page, a person by NIK with their family, 50 open
applications by deadline, and an upload of four images (decode and re-encode each)."""

import os
import uuid

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from PIL import Image

from .models import Application, Resident

PAGE = "<!doctype html><html lang=id><meta charset=utf-8><title>{title}</title><body>{body}</body>"


def hello(request):
    return HttpResponse(PAGE.format(title="Halo", body="<h1>Halo</h1><p>Selamat datang.</p>"))


def person(request, nik):
    try:
        resident = Resident.objects.select_related("family", "village").get(nik=nik)
    except Resident.DoesNotExist as exc:
        raise Http404 from exc
    members = (
        list(Resident.objects.filter(family_id=resident.family_id, life_status="hidup"))
        if resident.family_id
        else [resident]
    )
    rows = "".join(
        f"<tr><td>{escape(m.full_name)}</td><td>{m.nik}</td><td>{m.relationship}</td>"
        f"<td>{m.birth_date}</td></tr>"
        for m in members
    )
    body = (
        f"<h1>{escape(resident.full_name)}</h1><p>{resident.nik} · {escape(resident.village.name)}"
        f" · KK {resident.family.kk_number if resident.family else '-'}</p><table>{rows}</table>"
    )
    return HttpResponse(PAGE.format(title=escape(resident.full_name), body=body))


def open_list(request):
    apps = Application.objects.filter(status__in=("submitted", "in_review")).order_by(
        "deadline_at", "id"
    )[:50]
    rows = "".join(
        f"<tr><td>{a.reference}</td><td>{a.status}</td><td>{a.deadline_at:%Y-%m-%d %H:%M}</td></tr>"
        for a in apps
    )
    return HttpResponse(PAGE.format(title="Antrean", body=f"<table>{rows}</table>"))


@csrf_exempt
def upload(request):
    if request.method != "POST" or len(request.FILES) != 4:
        return HttpResponse("four files, please", status=400)
    names = []
    for upload in request.FILES.values():
        with Image.open(upload) as image:
            image = image.convert("RGB")
            name = f"{uuid.uuid4().hex}.jpg"
            image.save(os.path.join(settings.UPLOAD_ROOT, name), "JPEG", quality=85)
            names.append(name)
    return HttpResponse(" ".join(names))
