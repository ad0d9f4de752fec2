from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Pak Semmok — Disdukcapil"
admin.site.site_title = "Pak Semmok"

urlpatterns = [
    path("", include("paksemmok.web.urls")),
    path("akun/", include("paksemmok.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staf/admin/", admin.site.urls),
]

handler400 = "paksemmok.web.views.bad_request"
handler403 = "paksemmok.web.views.permission_denied"
handler404 = "paksemmok.web.views.page_not_found"
handler500 = "paksemmok.web.views.server_error"
