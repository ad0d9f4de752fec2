from django.urls import path

from . import register, views

app_name = "backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("ambil-berikutnya/", views.take_next, name="take_next"),
    path("ringkasan/", views.overview, name="overview"),
    path("kartu/", views.cards, name="cards"),
    path("cabut-dokumen/", views.revoke, name="revoke"),
    path("cari-penduduk/", register.lookup, name="register_lookup"),
    path("<str:reference>/", views.review, name="review"),
    path("<str:reference>/ambil/", views.claim, name="claim"),
    path("<str:reference>/lepas/", views.release, name="release"),
    path("<str:reference>/alihkan/", views.reassign, name="reassign"),
    path("<str:reference>/putuskan/", views.decide, name="decide"),
    path("<str:reference>/berkas/<int:document_id>/", views.document, name="document"),
    path(
        "<str:reference>/berkas/<int:document_id>/halaman/<int:page>/",
        views.document_page,
        name="document_page",
    ),
]
