from __future__ import annotations

import phonenumbers
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from paksemmok.population.identifiers import check_kk_number, check_nik, clean_number

from .lockout import normalise_username
from .models import User

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]


def number_widget(autocomplete: str = "off") -> forms.TextInput:
    # Numeric keypad on phones; text (not type=number) so leading zeros and spaces survive.
    return forms.TextInput(
        attrs={
            "inputmode": "numeric",
            "autocomplete": autocomplete,
            "maxlength": "24",
            "spellcheck": "false",
        }
    )


def clean_indonesian_mobile(raw: str) -> str:
    """E.164 of an Indonesian mobile number (WhatsApp/SMS), or a ValidationError."""
    try:
        number = phonenumbers.parse(raw, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise forms.ValidationError(
            _("Nomor HP tidak dikenali. Tulis seperti 0812xxxxxxxx atau +62812xxxxxxxx.")
        ) from exc
    if number.country_code != 62:
        raise forms.ValidationError(
            _(
                "Hanya nomor HP Indonesia (+62) yang dapat dipakai. Nomor luar negeri tidak "
                "dapat menerima kode dari layanan ini."
            )
        )
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(_("Nomor HP tidak valid. Periksa kembali jumlah digitnya."))
    if phonenumbers.number_type(number) not in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }:
        raise forms.ValidationError(
            _(
                "Gunakan nomor HP (seluler), bukan telepon rumah: kode dikirim lewat WhatsApp "
                "atau SMS."
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class NoColonMixin:
    """Labels without Django's trailing colon: they read as questions on a phone form."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class CodeField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Kode 6 angka"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": "one-time-code",
                    "pattern": "[0-9 ]*",
                    "maxlength": "7",
                    "class": "code-input",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = clean_number(super().clean(value))
        if not (len(value) == 6 and value.isdigit()):
            raise forms.ValidationError(_("Kode terdiri dari 6 angka."))
        return value


class NewPasswordMixin(NoColonMixin, forms.Form):
    password1 = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 12 karakter, jangan hanya angka, jangan mirip NIK atau nama."),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def check_passwords(self, user: User) -> None:
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
            return
        if p1:
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)


class SignUpForm(NewPasswordMixin):
    nik = forms.CharField(
        label=_("NIK"),
        widget=number_widget("username"),
        help_text=_("16 angka, lihat e-KTP atau Kartu Keluarga."),
    )
    kk_number = forms.CharField(
        label=_("Nomor Kartu Keluarga (KK)"),
        widget=number_widget(),
        help_text=_("16 angka di bagian atas Kartu Keluarga."),
    )
    full_name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "characters"}),
        help_text=_("Sesuai Kartu Keluarga."),
    )
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    phone = forms.CharField(
        label=_("Nomor WhatsApp/HP"),
        max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Nomor Indonesia, misalnya 0812xxxxxxxx. Satu nomor untuk satu akun."),
    )
    email = forms.EmailField(
        label=_("E-mail (tidak wajib)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    channel = forms.ChoiceField(
        label=_("Kirim kode dan pemberitahuan lewat"),
        choices=User.Channel.choices,
        initial=User.Channel.WHATSAPP,
        widget=forms.RadioSelect,
    )
    field_order = [
        "nik",
        "kk_number",
        "full_name",
        "birth_date",
        "phone",
        "email",
        "channel",
        "password1",
        "password2",
    ]

    def clean_nik(self) -> str:
        check = check_nik(self.cleaned_data["nik"])
        if check.errors:
            raise forms.ValidationError(check.errors)
        return check.value

    def clean_kk_number(self) -> str:
        check = check_kk_number(self.cleaned_data["kk_number"])
        if check.errors:
            raise forms.ValidationError(check.errors)
        return check.value

    def clean_phone(self) -> str:
        return clean_indonesian_mobile(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if data.get("channel") == User.Channel.EMAIL and not data.get("email"):
            self.add_error("email", _("Isi alamat e-mail untuk menerima kode lewat e-mail."))
        # The similarity check compares the password with the NIK, name and e-mail.
        self.check_passwords(
            User(
                username=data.get("nik", ""),
                first_name=data.get("full_name", ""),
                email=data.get("email", ""),
            )
        )
        return data


class SignInForm(NoColonMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "NIK/nama pengguna atau kata sandi salah. Setelah beberapa kali salah, akun "
            "dikunci sementara."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("NIK (petugas: nama pengguna)")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        )
        self.fields["password"].label = _("Kata sandi")

    def clean_username(self) -> str:
        return normalise_username(self.cleaned_data.get("username"))


class CodeForm(NoColonMixin, forms.Form):
    code = CodeField()


class ResetRequestForm(NoColonMixin, forms.Form):
    username = forms.CharField(
        label=_("NIK (petugas: nama pengguna)"), max_length=150, widget=number_widget("username")
    )

    def clean_username(self) -> str:
        return normalise_username(self.cleaned_data["username"])


class ResetConfirmForm(NewPasswordMixin):
    code = CodeField()
    field_order = ["code", "password1", "password2"]

    def __init__(self, *args, username: str = "", **kwargs) -> None:
        self.username = username
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        self.check_passwords(User(username=self.username))
        return data


class PreferencesForm(NoColonMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("Saluran pemberitahuan"), choices=User.Channel.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Bahasa pesan"), choices=settings.LANGUAGES)


class ActingStartForm(NoColonMixin, forms.Form):
    nik = forms.CharField(label=_("NIK penduduk yang dibantu"), widget=number_widget())

    def clean_nik(self) -> str:
        check = check_nik(self.cleaned_data["nik"])
        if check.errors:
            raise forms.ValidationError(check.errors)
        return check.value


class TotpForm(NoColonMixin, forms.Form):
    token = forms.CharField(
        label=_("Kode dari aplikasi autentikator"),
        max_length=7,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "code-input"}
        ),
    )

    def clean_token(self) -> str:
        value = clean_number(self.cleaned_data["token"])
        if not (len(value) == 6 and value.isdigit()):
            raise forms.ValidationError(_("Kode terdiri dari 6 angka."))
        return value
