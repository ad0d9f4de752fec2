from django.urls import path

from . import views

urlpatterns = [
    path("hello/", views.hello),
    path("person/<str:nik>/", views.person),
    path("list/", views.open_list),
    path("upload/", views.upload),
]
