from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("baru/", views.start, name="start"),
    path("baru/<slug:variant_code>/", views.choose_subject, name="choose_subject"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/ubah/", views.edit, name="edit"),
    path("<str:reference>/unggah/<slug:requirement_code>/", views.upload, name="upload"),
    path("<str:reference>/periksa/", views.review, name="review"),
    path("<str:reference>/tanda-terima/", views.receipt, name="receipt"),
    path("<str:reference>/batal/", views.cancel, name="cancel"),
    path("<str:reference>/berkas/<int:document_id>/", views.document, name="document"),
]
