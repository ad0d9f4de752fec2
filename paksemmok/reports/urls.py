from django.urls import path

from . import views, views_public

app_name = "reports"

urlpatterns = [
    path("standar-pelayanan/", views_public.service_standard, name="standard"),
    path("staf/dasbor/", views.dashboard, name="dashboard"),
    path("staf/dasbor/unduh/<slug:table>.<slug:fmt>", views.export, name="export"),
]
