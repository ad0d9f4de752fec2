"""Demo staff accounts. Resident demo accounts are added with the sign-up flow."""

from django.contrib.auth import get_user_model

ADMIN_PASSWORD = "demo-admin-2026"  # noqa: S105 - printed by `make run` on purpose


def load_admin() -> None:
    User = get_user_model()
    User.objects.create_superuser(
        username="admin", password=ADMIN_PASSWORD, email="admin@example.invalid",
        first_name="Admin", last_name="Disdukcapil", role=User.Role.ADMIN,
    )


STEPS = [("accounts.admin", load_admin)]


def logins() -> list[tuple[str, str, str]]:
    return [("Admin (http://127.0.0.1:8000/staf/admin/)", "admin", ADMIN_PASSWORD)]
