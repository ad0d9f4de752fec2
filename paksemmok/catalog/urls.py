from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.services, name="services"),
    path("<slug:code>/", views.service_detail, name="service"),
]
