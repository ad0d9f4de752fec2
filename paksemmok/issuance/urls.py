from django.urls import path

from . import views

app_name = "issuance"

urlpatterns = [
    path("verifikasi/", views.verify_help, name="verify_help"),
    path("verifikasi/<str:code>", views.verify, name="verify"),
    path("dokumen/", views.my_documents, name="mine"),
    path("dokumen/<str:code>/unduh/", views.download, name="download"),
]
