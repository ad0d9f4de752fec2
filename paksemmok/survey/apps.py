from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyConfig(AppConfig):
    name = "paksemmok.survey"
    label = "survey"
    verbose_name = _("Survei kepuasan")

    def ready(self) -> None:
        from paksemmok.applications.signals import application_completed
        from paksemmok.notifications import services as notifications

        from .services import on_application_completed

        # notify() checks every template against its registry; this app brings its own
        # (the text lives in this app's templates/notifications/).
        notifications.register_template(
            "survey_invitation", notifications.TemplateSpec(("reference", "url", "days"))
        )
        application_completed.connect(
            on_application_completed, dispatch_uid="survey.invite_on_completion"
        )
