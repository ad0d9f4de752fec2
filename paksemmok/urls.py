from django.contrib import admin
from django.urls import include, path

from paksemmok.accounts.admin import StaffAdminSite

# Staff must pass TOTP before the admin opens; sign-in goes through /akun/masuk/.
admin.site.__class__ = StaffAdminSite
admin.site.site_header = "Pak Semmok — Disdukcapil"
admin.site.site_title = "Pak Semmok"

urlpatterns = [
    path("", include("paksemmok.web.urls")),
    path("akun/", include("paksemmok.accounts.urls")),
    path("perekaman/", include("paksemmok.appointments.urls")),
    path("layanan/", include("paksemmok.catalog.urls")),
    path("permohonan/", include("paksemmok.applications.urls")),
    path("", include("paksemmok.issuance.urls")),
    path("staf/antrean/", include("paksemmok.backoffice.urls")),
    path("survei/", include("paksemmok.survey.urls")),  # satisfaction survey
    path("", include("paksemmok.reports.urls")),
    path("api/v1/", include("paksemmok.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("paksemmok.monitoring.urls")),  # /metrics (token or allow-list)
    path("staf/admin/", admin.site.urls),
]

handler400 = "paksemmok.web.views.bad_request"
handler403 = "paksemmok.web.views.permission_denied"
handler404 = "paksemmok.web.views.page_not_found"
handler500 = "paksemmok.web.views.server_error"
