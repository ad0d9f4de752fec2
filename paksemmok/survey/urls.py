from django.urls import path

from . import views

app_name = "survey"

urlpatterns = [
    path("<str:reference>/", views.answer, name="answer"),
    path("<str:reference>/terima-kasih/", views.thanks, name="thanks"),
]
