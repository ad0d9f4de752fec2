from django.urls import path

from . import views_public

app_name = "reports"

urlpatterns = [
    path("standar-pelayanan/", views_public.service_standard, name="standard"),
]
